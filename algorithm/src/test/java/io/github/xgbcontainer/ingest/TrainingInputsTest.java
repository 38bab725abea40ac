package io.github.xgbcontainer.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's configuration files, read from a real {@code /opt/ml/input/config}. */
class TrainingInputsTest {

  @TempDir Path root;

  private SageMakerPaths paths() {
    return new SageMakerPaths(root);
  }

  private void config(String name, String json) throws IOException {
    Files.createDirectories(paths().configDir());
    Files.writeString(paths().configDir().resolve(name), json);
  }

  @Test
  void load_readsHyperparametersChannelsAndHosts() throws IOException {
    config("hyperparameters.json", "{\"num_round\": \"7\", \"max_bin\": \"\\\"32\\\"\"}");
    config("inputdataconfig.json", "{\"train\": {\"ContentType\": \"text/csv\"}}");
    config("resourceconfig.json", "{\"current_host\": \"algo-2\", \"hosts\": [\"algo-1\", \"algo-2\"]}");
    TrainingInputs inputs = TrainingInputs.load(paths());
    assertEquals(7, inputs.hyperparameters().numRound());
    assertEquals(32, inputs.hyperparameters().maxBin());
    assertEquals(Map.of("num_round", "7", "max_bin", "\"32\""), inputs.given(), "as given, for the report");
    assertTrue(inputs.multiHost());
    assertTrue(inputs.channels().validation().isEmpty());
  }

  @Test
  void load_rejectsCrossValidationOnSeveralHosts() throws IOException {
    config("hyperparameters.json", "{\"num_round\": \"2\", \"_kfold\": \"3\"}");
    config("inputdataconfig.json", "{\"train\": {\"ContentType\": \"text/csv\"}}");
    config("resourceconfig.json", "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"algo-2\"]}");
    UserError e = assertThrows(UserError.class, () -> TrainingInputs.load(paths()));
    assertEquals("hyperparameter '_kfold': cross-validation runs on one host; perhaps you should use "
        + "InstanceCount 1 or remove _kfold", e.getMessage());
  }

  @Test
  void load_reportsBadHyperparametersBeforeBadChannels() throws IOException {
    config("hyperparameters.json", "{\"num_round\": \"0\"}");
    config("inputdataconfig.json", "{\"training\": {}}");
    UserError e = assertThrows(UserError.class, () -> TrainingInputs.load(paths()));
    assertTrue(e.getMessage().startsWith("hyperparameter 'num_round'"), e.getMessage());
  }

  @Test
  void load_checksTheChannelsASettingNeeds() throws IOException {
    config("hyperparameters.json", "{\"num_round\": \"2\", \"shap\": \"true\"}");
    config("inputdataconfig.json", "{\"train\": {\"ContentType\": \"text/csv\"}}");
    assertThrows(UserError.class, () -> TrainingInputs.load(paths()));
  }

  @Test
  void checkpointFolder_isReadWhenAskedFor() throws IOException {
    config("hyperparameters.json", "{\"num_round\": \"2\"}");
    config("inputdataconfig.json", "{\"train\": {\"ContentType\": \"text/csv\"}}");
    TrainingInputs inputs = TrainingInputs.load(paths());
    assertEquals(Optional.empty(), inputs.checkpointFolder());
    assertFalse(inputs.multiHost());
    config("checkpointconfig.json", "{\"LocalPath\": \"" + root.resolve("ckpt") + "\"}");
    assertEquals(Optional.of(root.resolve("ckpt")), inputs.checkpointFolder());
    config("checkpointconfig.json", "{}"); // no LocalPath: the base folder's, never the host's /opt/ml
    assertEquals(Optional.of(root.resolve("checkpoints")), inputs.checkpointFolder());
  }
}
