package io.github.xgbcontainer.local.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.store.StoreUri;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainingJobRequestTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String request(String source) {
    return "{\"TrainingJobName\": \"job-1\", \"AlgorithmSpecification\": {\"TrainingInputMode\": \"File\"},"
        + " \"InputDataConfig\": [{\"ChannelName\": \"train\", \"DataSource\": {\"S3DataSource\": " + source + "}}],"
        + " \"OutputDataConfig\": {\"S3OutputPath\": \"s3://out/models\"}}";
  }

  private static String error(String json) {
    return assertThrows(UserError.class, () -> TrainingJobRequest.parse(JSON.readTree(json))).getMessage();
  }

  @Test
  void parse_readsTheRequestAsUsersWriteIt() throws Exception {
    TrainingJobRequest r = TrainingJobRequest.parse(JSON.readTree(request(
        "{\"S3DataType\": \"ManifestFile\", \"S3Uri\": \"s3://data/train.manifest\","
        + " \"S3DataDistributionType\": \"ShardedByS3Key\"}")));
    assertEquals("job-1", r.jobName());
    assertEquals(TrainingJobRequest.DataType.MANIFEST_FILE, r.channels().get(0).dataType());
    assertEquals(new StoreUri("s3", "data", "train.manifest"), r.channels().get(0).uri());
    assertEquals(true, r.channels().get(0).sharded());
    assertEquals(InputMode.FILE, r.channels().get(0).inputMode());
    assertEquals(Optional.empty(), r.channels().get(0).contentType());
    assertEquals(new ChannelConfig("train", ContentType.LIBSVM, InputMode.FILE, true, false, false), r.channels().get(0).config(),
        "no ContentType: LibSVM, as train reads it, knowing that none was named");
    assertEquals(1, r.instanceCount());
    assertEquals(86_400, r.maxRuntimeSeconds());
  }

  @Test
  void parse_rejectsBadChannelsWithTheirName() {
    assertEquals("channel 'train': S3DataType 'S3Object' is not supported; use S3Prefix or ManifestFile",
        error(request("{\"S3DataType\": \"S3Object\", \"S3Uri\": \"s3://data/train/\"}")));
    assertEquals("channel 'train': S3Uri 's3:///train/' has no bucket: write s3://bucket/prefix",
        error(request("{\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"s3:///train/\"}")));
    assertEquals("channel 'train': S3Uri is missing: give an s3://bucket/prefix or file:///path URI",
        error(request("{\"S3DataType\": \"S3Prefix\"}")));
    assertEquals("channel 'train': S3Uri 'https://data/train/' is not an S3 URI: write s3://bucket/prefix "
        + "(or file:///path for local data)",
        error(request("{\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"https://data/train/\"}")));
    assertEquals("channel 'train': S3DataDistributionType 'Sharded' is not one of FullyReplicated, ShardedByS3Key",
        error(request("{\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"s3://d/t/\", \"S3DataDistributionType\": \"Sharded\"}")));
    assertEquals("channel 'train': S3Uri 's3://d/t/' must name the manifest object, not a prefix",
        error(request("{\"S3DataType\": \"ManifestFile\", \"S3Uri\": \"s3://d/t/\"}")));
  }

  @Test
  void parse_readsInputModeAndContentTypeThroughTheConfigTables() throws Exception {
    String channel = "{\"ChannelName\": \"train\", \"ContentType\": \"%s\", \"InputMode\": \"%s\","
        + " \"DataSource\": {\"S3DataSource\": {\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"s3://d/t/\"}}}";
    String job = "{\"TrainingJobName\": \"job-1\", \"AlgorithmSpecification\": {}, \"InputDataConfig\": [%s],"
        + " \"OutputDataConfig\": {\"S3OutputPath\": \"s3://out/models\"}}";
    TrainingJobRequest r = TrainingJobRequest.parse(JSON.readTree(
        String.format(job, String.format(channel, "csv;label_size=1", "FastFile"))));
    assertEquals(Optional.of(ContentType.CSV), r.channels().get(0).contentType());
    assertEquals(InputMode.FAST_FILE, r.channels().get(0).inputMode());
    // the API spells modes exactly; train's file reader is lenient, the request is not
    assertEquals("channel 'train': InputMode 'pipe' is not one of File, Pipe, FastFile",
        error(String.format(job, String.format(channel, "csv", "pipe"))));
    // refused when the request is read, with train's own message, rather than by every host
    assertEquals("channel 'train': ContentType 'application/json' is not supported; use one of text/csv, csv, "
        + "text/libsvm, libsvm, text/x-libsvm, application/x-libsvm, application/x-parquet, parquet, "
        + "application/x-recordio-protobuf, recordio-protobuf",
        error(String.format(job, String.format(channel, "application/json", "File"))));
  }

  @Test
  void parse_rejectsBadJobFields() {
    assertEquals("TrainingJobName is missing from the request", error("{}"));
    assertEquals("TrainingJobName 'my_job' is not valid: use 1 to 63 letters, digits and hyphens, starting with a "
        + "letter or digit", error("{\"TrainingJobName\": \"my_job\"}"));
    assertEquals("OutputDataConfig is missing from the request", error(request(
        "{\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"s3://d/t/\"}").replace(", \"OutputDataConfig\": {\"S3OutputPath\": \"s3://out/models\"}", "")));
    assertEquals("ResourceConfig.InstanceCount '0' is not a whole number of at least 1", error(request(
        "{\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"s3://d/t/\"}").replaceFirst("}$", ", \"ResourceConfig\": {\"InstanceCount\": 0}}")));
  }

  private static String withInstances(String count) {
    return request("{\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"s3://d/t/\"}")
        .replaceFirst("}$", ", \"ResourceConfig\": {\"InstanceCount\": " + count + "}}");
  }

  @Test
  void parse_refusesMoreInstancesThanALocalJobRuns() throws Exception {
    assertEquals(254, TrainingJobRequest.parse(JSON.readTree(withInstances("254"))).instanceCount());
    assertEquals("ResourceConfig.InstanceCount '255' is more than 254, the most hosts a local job runs (host N gets "
        + "the loopback address 127.0.0.N); perhaps you should ask for fewer instances", error(withInstances("255")));
    assertEquals("ResourceConfig.InstanceCount '1000000' is more than 254, the most hosts a local job runs (host N "
        + "gets the loopback address 127.0.0.N); perhaps you should ask for fewer instances", error(withInstances("1000000")));
    assertEquals("ResourceConfig.InstanceCount '10000000000' is more than 254, the most hosts a local job runs (host N "
        + "gets the loopback address 127.0.0.N); perhaps you should ask for fewer instances",
        error(withInstances("10000000000")));
    assertEquals("ResourceConfig.InstanceCount '2.5' is not a whole number of at least 1", error(withInstances("2.5")));
  }
}
