package io.github.xgbcontainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputDataConfigTest {

  @TempDir Path dir;

  private InputDataConfig load(String json) throws IOException {
    Path file = dir.resolve("inputdataconfig.json");
    Files.writeString(file, json);
    return InputDataConfig.load(file, dir.resolve("data"));
  }

  @Test
  void load_acceptsWhatLocalModeWrites() throws IOException {
    InputDataConfig c = load("{\"train\": {\"TrainingInputMode\": \"File\"}}");
    assertEquals(ContentType.LIBSVM, c.train().contentType());
    assertFalse(c.train().contentTypeGiven(), "LibSVM by default");
    assertEquals(InputMode.FILE, c.train().inputMode());
    assertFalse(c.train().sharded());
    assertTrue(c.validation().isEmpty());
  }

  @Test
  void load_withoutTheFile_readsEveryFolderAsLibsvmWithoutAGivenContentType() throws IOException {
    Files.createDirectories(dir.resolve("data/train"));
    InputDataConfig c = InputDataConfig.load(dir.resolve("absent.json"), dir.resolve("data"));
    assertEquals(ContentType.LIBSVM, c.train().contentType());
    assertFalse(c.train().contentTypeGiven());
    assertTrue(load("{\"train\": {\"ContentType\": \"libsvm\"}}").train().contentTypeGiven());
  }

  @Test
  void load_readsContentTypeParametersAndAliases() throws IOException {
    InputDataConfig c = load("{\"train\": {\"ContentType\": \"text/csv; label_size=1; charset=utf-8\","
        + "\"S3DistributionType\": \"ShardedByS3Key\", \"RecordWrapperType\": \"None\"},"
        + "\"validation\": {\"ContentType\": \"text/x-libsvm\", \"TrainingInputMode\": \"FastFile\"}}");
    assertEquals(ContentType.CSV, c.train().contentType());
    assertTrue(c.train().sharded());
    assertEquals(ContentType.LIBSVM, c.validation().get().contentType());
    assertEquals(InputMode.FAST_FILE, c.validation().get().inputMode());
    assertEquals(ContentType.CSV, ContentType.parse("train", "CSV"));
    assertEquals(ContentType.LIBSVM, ContentType.parse("train", "libsvm"));
  }

  @Test
  void load_rejectsBytesThatAreNotUtf8() throws IOException {
    // found by the inputDataConfig fuzz target: this was a platform error
    Path file = dir.resolve("latin1.json");
    java.nio.file.Files.write(file, new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}'});
    UserError e = assertThrows(UserError.class, () -> InputDataConfig.load(file, dir.resolve("data")));
    assertEquals(file + " is not UTF-8 text: JSON files must be UTF-8", e.getMessage());
  }

  @Test
  void load_rejectsUnknownContentType() {
    UserError e = assertThrows(UserError.class, () -> load("{\"train\": {\"ContentType\": \"application/json\"}}"));
    assertEquals("channel 'train': ContentType 'application/json' is not supported; use one of text/csv, csv, "
        + "text/libsvm, libsvm, text/x-libsvm, application/x-libsvm, application/x-parquet, parquet, "
        + "application/x-recordio-protobuf, recordio-protobuf", e.getMessage());
  }

  @Test
  void load_rejectsLabelSizeOtherThanOne() {
    UserError e = assertThrows(UserError.class, () -> load("{\"train\": {\"ContentType\": \"text/csv;label_size=2\"}}"));
    assertEquals("channel 'train': ContentType 'text/csv;label_size=2' has label_size=2; only label_size=1 "
        + "(one label column) is supported", e.getMessage());
  }

  @Test
  void load_rejectsUnknownChannelAndMissingTrain() {
    UserError e = assertThrows(UserError.class, () -> load("{\"train\": {}, \"test\": {}}"));
    assertEquals("channel 'test' is not supported: this algorithm reads the channels 'train' (required) and "
        + "'validation' (optional); rename or remove the others", e.getMessage());
    e = assertThrows(UserError.class, () -> load("{\"validation\": {}}"));
    assertEquals("the required channel 'train' is missing: add a channel named 'train' to the job's InputDataConfig",
        e.getMessage());
  }

  @Test
  void load_rejectsBadModeAndDistribution() {
    assertEquals("channel 'train': TrainingInputMode 'Stream' is not one of File, FastFile, Pipe",
        assertThrows(UserError.class, () -> load("{\"train\": {\"TrainingInputMode\": \"Stream\"}}")).getMessage());
    assertEquals("channel 'train': S3DistributionType 'Random' is not one of FullyReplicated, ShardedByS3Key",
        assertThrows(UserError.class, () -> load("{\"train\": {\"S3DistributionType\": \"Random\"}}")).getMessage());
  }

  @Test
  void load_reportsJsonSyntaxErrorsWithPosition() {
    UserError e = assertThrows(UserError.class, () -> load("{\"train\": {\n\"ContentType\" \"csv\"}}"));
    assertTrue(e.getMessage().startsWith(dir.resolve("inputdataconfig.json") + " is not valid JSON (line 2, column "),
        e.getMessage());
  }

  @Test
  void load_ofAnEmptyFile_saysItIsEmpty() {
    UserError e = assertThrows(UserError.class, () -> load(" \n"));
    assertEquals(dir.resolve("inputdataconfig.json") + " is empty: it must hold a JSON object", e.getMessage());
  }

  @Test
  void load_withoutFileUsesFolders() throws IOException {
    Files.createDirectories(dir.resolve("data/train"));
    Files.createDirectories(dir.resolve("data/validation"));
    InputDataConfig c = InputDataConfig.load(dir.resolve("missing.json"), dir.resolve("data"));
    assertEquals(ContentType.LIBSVM, c.train().contentType());
    assertTrue(c.validation().isPresent());
  }

  @Test
  void resourceConfig_sortsHostsAndFindsRank() throws IOException {
    Path file = dir.resolve("resourceconfig.json");
    Files.writeString(file, "{\"current_host\":\"algo-2\",\"hosts\":[\"algo-3\",\"algo-1\",\"algo-2\"],"
        + "\"network_interface_name\":\"eth0\"}");
    ResourceConfig r = ResourceConfig.load(file);
    assertEquals(java.util.List.of("algo-1", "algo-2", "algo-3"), r.hosts());
    assertEquals(1, r.rank());
    assertFalse(r.isLeader());
    assertEquals("eth0", r.networkInterface());
    assertEquals(ResourceConfig.singleHost(), ResourceConfig.load(dir.resolve("absent.json")));
  }

  @Test
  void hyperparameters_readAsStrings() throws IOException {
    Path file = dir.resolve("hp.json");
    Files.writeString(file, "{\"num_round\": 10, \"eta\": \"0.1\", \"flag\": true}");
    assertEquals(java.util.Map.of("num_round", "10", "eta", "0.1", "flag", "true"), JsonFiles.readStringMap(file));
  }
}
