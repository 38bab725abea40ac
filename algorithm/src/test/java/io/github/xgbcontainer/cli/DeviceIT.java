package io.github.xgbcontainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU asked of the jar's xgboost4j, Maven Central's CPU build, in child JVMs: training fails at
 * once with a ClientError naming the GPU variant, serving predicts on the CPU and says why. The
 * GPU image's side of the same checks runs in container/test-image.sh.
 */
class DeviceIT {

  private static final String CPU_IMAGE = "this is the CPU image, whose XGBoost (xgboost4j from Maven Central) is"
      + " built without CUDA";

  @TempDir Path dir;

  @Test
  void deviceCuda_failsBeforeReadingData_withTheGpuVariantNamed() throws Exception {
    // The channel is not CSV at all: a check made after reading would fail on it instead.
    TrainJob job = new TrainJob(dir.resolve("cuda"))
        .hyperparameters("{\"num_round\": \"3\", \"device\": \"cuda\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/csv\"}}")
        .channelText("train", "train.csv", "label,a\nnot,numbers\n")
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: hyperparameter 'device': 'cuda' needs an NVIDIA GPU, but " + CPU_IMAGE + ", perhaps"
        + " you should run the GPU variant of this image (xgboost-container:latest-gpu, built by make image-gpu) on"
        + " a GPU instance type such as ml.g5.xlarge, or set device to 'cpu' to train on the CPU\n", job.failure());
    assertFalse(Files.exists(job.model()), "no model");
    assertFalse(job.stderr.contains("at ml.dmlc"), "no native trace: " + job.stderr);
  }

  @Test
  void treeMethodGpuHist_failsTheSameWay_namingTreeMethod() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("gpu_hist"))
        .hyperparameters("{\"num_round\": \"3\", \"tree_method\": \"gpu_hist\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .run();
    assertEquals(1, job.exitCode, job::toString);
    assertEquals("ClientError: hyperparameter 'tree_method': 'gpu_hist' needs an NVIDIA GPU, but " + CPU_IMAGE
        + ", perhaps you should run the GPU variant of this image (xgboost-container:latest-gpu, built by make"
        + " image-gpu) on a GPU instance type such as ml.g5.xlarge, or set tree_method to 'hist' to train on the"
        + " CPU\n", job.failure());
  }

  @Test
  void serveDeviceCuda_predictsOnTheCpu_andSaysWhy() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("opt_ml"))
        .hyperparameters("{\"num_round\": \"3\", \"device\": \"cpu\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    assertEquals(3, job.metricLines().size());

    Path log = dir.resolve("serve.txt");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", TrainJob.JAR.toAbsolutePath().toString(), "serve");
    pb.environment().put("SAGEMAKER_BASE_DIR", job.root.toString());
    pb.environment().put("SAGEMAKER_BIND_TO_PORT", "0");
    pb.environment().put("XGBC_SERVE_DEVICE", "cuda");
    Process server = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      int port = awaitPort(log, server);
      HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
              .header("Content-Type", "text/libsvm")
              .POST(HttpRequest.BodyPublishers.ofString("0 1:0.455 2:0.365 3:0.095\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      assertTrue(answer.body().matches("[0-9.]+\n"), answer.body());
      assertTrue(Files.readString(log).contains("INFO predicting on the CPU: XGBC_SERVE_DEVICE=cuda asks for a GPU,"
          + " but " + CPU_IMAGE + "\n"), Files.readString(log));
    } finally {
      server.destroy();
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    }
  }

  @Test
  void serveDeviceUnknown_failsAtStart() throws Exception {
    TrainJob job = new TrainJob(dir.resolve("model"))
        .hyperparameters("{\"num_round\": \"2\"}")
        .inputDataConfig("{\"train\": {\"ContentType\": \"text/libsvm\"}}")
        .channel("train", TrainJob.ANCHOR.resolve("abalone/data/train"))
        .run();
    assertEquals(0, job.exitCode, job::toString);
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", TrainJob.JAR.toAbsolutePath().toString(), "serve");
    pb.environment().put("SAGEMAKER_BASE_DIR", job.root.toString());
    pb.environment().put("SAGEMAKER_BIND_TO_PORT", "0");
    pb.environment().put("XGBC_SERVE_DEVICE", "tpu");
    Process process = pb.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue(), output);
    assertTrue(output.contains("ClientError: XGBC_SERVE_DEVICE: 'tpu' is not one of cpu, cuda, cuda:<ordinal>,"
        + " perhaps you should set it to cuda to predict on the first GPU, or leave it unset to predict on the CPU"),
        output);
  }

  private static int awaitPort(Path log, Process server) throws Exception {
    Pattern port = Pattern.compile("features\\) on port ([0-9]+)");
    for (int i = 0; i < 600; i++) {
      if (Files.exists(log)) {
        Matcher m = port.matcher(Files.readString(log));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!server.isAlive()) {
        throw new AssertionError("serve exited: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("serve did not start: " + Files.readString(log));
  }
}
