package io.github.xgbcontainer.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.config.ChannelConfig;
import io.github.xgbcontainer.config.CheckpointConfig;
import io.github.xgbcontainer.config.ContentType;
import io.github.xgbcontainer.config.InputDataConfig;
import io.github.xgbcontainer.config.InputMode;
import io.github.xgbcontainer.config.JsonFiles;
import io.github.xgbcontainer.config.ResourceConfig;
import io.github.xgbcontainer.local.host.Host;
import io.github.xgbcontainer.local.host.HostLayout;
import io.github.xgbcontainer.local.host.ProcessLauncher;
import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import io.github.xgbcontainer.local.store.ObjectStores;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three hosts' {@code /opt/ml} trees with a ShardedByS3Key channel from {@code file://}; stopping a job. */
class LocalLayoutTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private TrainingJobRequest request(int hosts, String extra) throws Exception {
    return TrainingJobRequest.parse(JSON.readTree("{\"TrainingJobName\": \"layout\","
        + " \"AlgorithmSpecification\": {\"TrainingImage\": \"img\", \"TrainingInputMode\": \"File\"},"
        + " \"HyperParameters\": {\"num_round\": \"3\"},"
        + " \"InputDataConfig\": [{\"ChannelName\": \"train\", \"ContentType\": \"text/csv\", \"DataSource\": {\"S3DataSource\":"
        + " {\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"file://" + dir.resolve("data/train/") + "/\","
        + " \"S3DataDistributionType\": \"ShardedByS3Key\"}}}],"
        + " \"OutputDataConfig\": {\"S3OutputPath\": \"file://" + dir.resolve("out") + "\"},"
        + " \"ResourceConfig\": {\"InstanceCount\": " + hosts + "}" + extra + "}"));
  }

  @Test
  void layOut_threeHostsShardTheObjectsAndGetCompleteConfigs() throws Exception {
    for (int i = 0; i < 7; i++) {
      Path f = dir.resolve("data/train/part-" + i + ".csv");
      Files.createDirectories(f.getParent());
      Files.writeString(f, i + ",1\n");
    }
    TrainingJobRequest request = request(3, ", \"CheckpointConfig\": {\"S3Uri\": \"file://" + dir.resolve("cp") + "\"}");
    LocalTrainingJob job = new LocalTrainingJob(request, new ObjectStores(Optional.empty()),
        new ProcessLauncher(List.of("true"), dir.resolve("hosts")),
        new LocalTrainingJob.Options(dir.resolve("work"), Duration.ofSeconds(1), System.err));
    List<Host> hosts = HostLayout.hosts(job.workDir(), 3);
    job.layOut(hosts, job.planChannels());

    assertEquals(List.of("part-0.csv", "part-3.csv", "part-6.csv"), files(hosts.get(0)));
    assertEquals(List.of("part-1.csv", "part-4.csv"), files(hosts.get(1)));
    assertEquals(List.of("part-2.csv", "part-5.csv"), files(hosts.get(2)));
    Path config = hosts.get(1).paths().configDir();
    assertEquals(JSON.readTree("{\"current_host\": \"algo-2\", \"current_instance_type\": \"local\","
        + " \"current_group_name\": \"homogeneousCluster\", \"hosts\": [\"algo-1\", \"algo-2\", \"algo-3\"],"
        + " \"instance_groups\": [{\"instance_group_name\": \"homogeneousCluster\", \"instance_type\": \"local\","
        + " \"hosts\": [\"algo-1\", \"algo-2\", \"algo-3\"]}], \"network_interface_name\": \"lo\"}"),
        JSON.readTree(config.resolve("resourceconfig.json").toFile()));
    assertEquals(JSON.readTree("{\"train\": {\"ContentType\": \"text/csv\", \"TrainingInputMode\": \"File\","
        + " \"S3DistributionType\": \"ShardedByS3Key\", \"RecordWrapperType\": \"None\"}}"),
        JSON.readTree(config.resolve("inputdataconfig.json").toFile()));
    assertEquals(JSON.readTree("{\"num_round\": \"3\"}"), JSON.readTree(config.resolve("hyperparameters.json").toFile()));
    assertEquals(JSON.readTree("{\"LocalPath\": \"" + hosts.get(1).paths().root().resolve("checkpoints") + "\","
        + " \"S3Uri\": \"file://" + dir.resolve("cp") + "\"}"),
        JSON.readTree(config.resolve("checkpointconfig.json").toFile()));
    assertTrue(Files.isDirectory(hosts.get(2).paths().modelDir()));
    assertTrue(Files.isDirectory(hosts.get(2).paths().outputDataDir()));
  }

  @Test
  void layOut_configFilesReadBackByConfigAsTheRequestSaid() throws Exception {
    // written by local, read by train's config records: one definition of each file both ways
    TrainingJobRequest request = TrainingJobRequest.parse(JSON.readTree("{\"TrainingJobName\": \"trip\","
        + " \"AlgorithmSpecification\": {\"TrainingInputMode\": \"Pipe\"},"
        + " \"HyperParameters\": {\"num_round\": \"3\", \"eta\": \"0.5\"},"
        + " \"InputDataConfig\": [{\"ChannelName\": \"train\", \"ContentType\": \"recordio-protobuf\","
        + " \"RecordWrapperType\": \"RecordIO\", \"DataSource\": {\"S3DataSource\": {\"S3DataType\": \"S3Prefix\","
        + " \"S3Uri\": \"file:///data/train/\", \"S3DataDistributionType\": \"ShardedByS3Key\"}}},"
        + " {\"ChannelName\": \"validation\", \"InputMode\": \"FastFile\", \"DataSource\": {\"S3DataSource\":"
        + " {\"S3DataType\": \"S3Prefix\", \"S3Uri\": \"file:///data/validation/\"}}}],"
        + " \"OutputDataConfig\": {\"S3OutputPath\": \"file:///out\"},"
        + " \"CheckpointConfig\": {\"S3Uri\": \"file:///cp\", \"LocalPath\": \"/opt/ml/checkpoints/run\"}}"));
    List<Host> hosts = HostLayout.hosts(dir, 2);
    HostLayout.write(hosts.get(1), hosts, request, true);
    SageMakerPaths p = hosts.get(1).paths();

    assertEquals(new InputDataConfig(
        new ChannelConfig("train", ContentType.RECORDIO_PROTOBUF, InputMode.PIPE, true, true),
        Optional.of(new ChannelConfig("validation", ContentType.LIBSVM, InputMode.FAST_FILE, false, false, false))),
        InputDataConfig.load(p.inputDataConfig(), p.dataDir()));
    assertEquals(new ResourceConfig("algo-2", List.of("algo-1", "algo-2"), "eth0", "local", "homogeneousCluster"),
        ResourceConfig.load(p.resourceConfig()));
    assertEquals(Optional.of(new CheckpointConfig(Path.of("/opt/ml/checkpoints/run"), "file:///cp")),
        CheckpointConfig.load(p.checkpointConfig(), p.checkpointDir()));
    assertEquals(Map.of("num_round", "3", "eta", "0.5"), JsonFiles.readStringMap(p.hyperparameters()));
    assertTrue(Files.isDirectory(p.channelDir("validation")), "FastFile's FIFOs go in the channel folder");
    assertFalse(Files.exists(p.channelDir("train")), "Pipe mode's FIFOs are beside it, named train_0...");
    assertTrue(Files.isDirectory(p.root().resolve("checkpoints/run")), "the container's LocalPath, on the host");
  }

  @Test
  void run_stopsAHostPastMaxRuntimeWithSigtermThenSigkill() throws Exception {
    Path f = dir.resolve("data/train/a.csv");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "1,1\n");
    TrainingJobRequest request = request(1, ", \"StoppingCondition\": {\"MaxRuntimeInSeconds\": 1}");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    // a host that ignores SIGTERM and writes a model file meanwhile
    LocalTrainingJob job = new LocalTrainingJob(request, new ObjectStores(Optional.empty()),
        new ProcessLauncher(List.of("bash", "-c", "trap '' TERM; echo m > \"$SAGEMAKER_BASE_DIR/model/m\";"
            + " echo 'metric=1.5'; for i in $(seq 600); do sleep 0.1; done"), dir.resolve("hosts")),
        new LocalTrainingJob.Options(dir.resolve("work"), Duration.ofSeconds(1), new PrintStream(printed)));
    JobSummary summary = job.run();
    assertEquals("Stopped", summary.status());
    assertEquals("MaxRuntimeExceeded", summary.secondaryStatus());
    assertEquals(Optional.of("MaxRuntimeExceeded: the job ran past StoppingCondition.MaxRuntimeInSeconds (1)"),
        summary.failureReason());
    assertEquals(137, summary.hostExitCodes().get("algo-1"), "killed after the grace period");
    assertEquals("metric=1.5\n", Files.readString(job.workDir().resolve("algo-1.log")));
    assertEquals("algo-1 | metric=1.5\n", printed.toString());
    assertTrue(Files.exists(dir.resolve("out/layout/output/model.tar.gz")), "a stopped job keeps its model");
    assertEquals(summary.toJson() + "\n", Files.readString(job.summaryFile()));
  }

  private static List<String> files(Host host) throws Exception {
    try (Stream<Path> s = Files.list(host.paths().channelDir("train"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
