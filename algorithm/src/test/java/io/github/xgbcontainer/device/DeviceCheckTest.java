package io.github.xgbcontainer.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.matrix.NativeShim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The device check against the xgboost4j this build loads (Maven Central's CPU build) and, for the
 * CUDA build's cases, against the build info and driver answers that build gives (XGBuildInfo of
 * xgboost4j-spark-gpu 3.4.0 reports CUDA 13.3).
 */
class DeviceCheckTest {

  /** XGBuildInfo of the CUDA libxgboost4j.so in xgboost4j-spark-gpu_2.12 3.4.0, trimmed. */
  private static final String CUDA_BUILD_INFO = "{\"CUDA_VERSION\":[13,3],\"NCCL_VERSION\":[2,30,7],"
      + "\"USE_CUDA\":true,\"USE_NCCL\":true,\"USE_OPENMP\":true,\"USE_RMM\":false}";
  private static final Optional<XgboostBuild> CUDA = Optional.of(XgboostBuild.parse(CUDA_BUILD_INFO));
  private static final Supplier<VisibleGpus> NO_DRIVER = () -> VisibleGpus.none(
      "no NVIDIA driver: libcuda.so.1: cannot open shared object file: No such file or directory", 0);
  private static final Supplier<VisibleGpus> ONE_GPU = () -> new VisibleGpus(List.of("NVIDIA A10G"), List.of(86), 13000, null);
  private static final Supplier<VisibleGpus> FOUR_GPUS =
      () -> new VisibleGpus(List.of("NVIDIA L4", "NVIDIA L4", "NVIDIA L4", "NVIDIA L4"), List.of(89, 89, 89, 89), 13010,
          null);

  /** The checks against the loaded library go through the native shim, which a build without gcc lacks. */
  private static void requireShim() {
    assumeTrue(NativeShim.available(), () -> "shim unavailable: " + NativeShim.unavailableReason());
  }

  @Test
  void theLoadedXgboost_isTheCpuBuild() {
    requireShim();
    assertEquals(Optional.of(new XgboostBuild(false, 0, 0)), XgboostBuild.loaded());
  }

  @Test
  void buildInfo_ofTheCudaBuild_givesItsCudaVersion() {
    assertEquals(new XgboostBuild(true, 13, 3), CUDA.get());
    assertEquals("CUDA 13.3", CUDA.get().describe());
  }

  @Test
  void cpu_checksNothing() {
    assertEquals(Optional.empty(), DeviceCheck.forTraining("cpu", "device", "cpu"));
  }

  @Test
  void cuda_onTheCpuImage_failsNamingTheGpuVariant() {
    requireShim();
    UserError e = assertThrows(UserError.class, () -> DeviceCheck.forTraining("cuda", "device", "cuda"));
    assertEquals("hyperparameter 'device': 'cuda' needs an NVIDIA GPU, but this is the CPU image, whose XGBoost"
        + " (xgboost4j from Maven Central) is built without CUDA, perhaps you should run the GPU variant of this"
        + " image (xgboost-container:latest-gpu, built by make image-gpu) on a GPU instance type such as"
        + " ml.g5.xlarge, or set device to 'cpu' to train on the CPU", e.getMessage());
  }

  @Test
  void gpuHist_onTheCpuImage_namesTreeMethodAndHist() {
    requireShim();
    UserError e = assertThrows(UserError.class, () -> DeviceCheck.forTraining("cuda", "tree_method", "gpu_hist"));
    assertEquals("hyperparameter 'tree_method': 'gpu_hist' needs an NVIDIA GPU, but this is the CPU image, whose"
        + " XGBoost (xgboost4j from Maven Central) is built without CUDA, perhaps you should run the GPU variant of"
        + " this image (xgboost-container:latest-gpu, built by make image-gpu) on a GPU instance type such as"
        + " ml.g5.xlarge, or set tree_method to 'hist' to train on the CPU", e.getMessage());
  }

  @Test
  void cudaBuild_withoutADriver_saysHowToPassTheGpusIn() {
    UserError e = assertThrows(UserError.class,
        () -> DeviceCheck.forTraining("gpu", "device", "gpu", CUDA, NO_DRIVER));
    assertEquals("hyperparameter 'device': 'gpu' needs an NVIDIA GPU, but no GPU is visible in this container (no"
        + " NVIDIA driver: libcuda.so.1: cannot open shared object file: No such file or directory), perhaps you"
        + " should start the container with the host's GPUs (docker run --gpus all ...), or on SageMaker pick a GPU"
        + " instance type such as ml.g5.xlarge, or set device to 'cpu' to train on the CPU", e.getMessage());
  }

  @Test
  void cudaBuild_withAnOldDriver_namesBothCudaVersions() {
    UserError e = assertThrows(UserError.class, () -> DeviceCheck.forTraining("cuda", "device", "cuda", CUDA,
        () -> new VisibleGpus(List.of("Tesla T4"), List.of(75), 12040, null)));
    assertEquals("hyperparameter 'device': 'cuda' needs an NVIDIA GPU, but the NVIDIA driver supports CUDA 12.4,"
        + " older than the CUDA 13.3 this XGBoost is built with, perhaps you should update the host's NVIDIA driver"
        + " to one for CUDA 13 or later, or set device to 'cpu' to train on the CPU", e.getMessage());
  }

  @Test
  void cudaBuild_onAGpuOlderThanTuring_namesItsComputeCapability() {
    UserError e = assertThrows(UserError.class, () -> DeviceCheck.forTraining("cuda", "device", "cuda", CUDA,
        () -> new VisibleGpus(List.of("Tesla V100-SXM2-16GB"), List.of(70), 13000, null)));
    assertEquals("hyperparameter 'device': 'cuda' needs an NVIDIA GPU, but GPU 0 (Tesla V100-SXM2-16GB) has compute"
        + " capability 7.0, older than the 7.5 (Turing) this XGBoost is built for, perhaps you should pick a newer GPU,"
        + " such as the instance types ml.g4dn, ml.g5, ml.g6, ml.p4d or ml.p5, or set device to 'cpu' to train on the"
        + " CPU", e.getMessage());
  }

  @Test
  void cudaBuild_anOrdinalPastTheGpus_namesTheVisibleOnes() {
    UserError one = assertThrows(UserError.class,
        () -> DeviceCheck.forTraining("cuda:1", "device", "cuda:1", CUDA, ONE_GPU));
    assertEquals("hyperparameter 'device': 'cuda:1' needs an NVIDIA GPU, but only 1 GPU is visible, numbered from 0:"
        + " GPU 0 (NVIDIA A10G), perhaps you should name a visible one (cuda:0) or just cuda, or set device to"
        + " 'cpu' to train on the CPU", one.getMessage());
    UserError four = assertThrows(UserError.class,
        () -> DeviceCheck.forTraining("cuda:4", "device", "cuda:4", CUDA, FOUR_GPUS));
    assertEquals("hyperparameter 'device': 'cuda:4' needs an NVIDIA GPU, but only 4 GPUs are visible, numbered from"
        + " 0: GPU 0 (NVIDIA L4) to GPU 3 (NVIDIA L4), perhaps you should name a visible one (cuda:0 to cuda:3) or"
        + " just cuda, or set device to 'cpu' to train on the CPU", four.getMessage());
  }

  @Test
  void cudaBuild_withGpus_saysWhichTrainsAndThatTheOthersIdle() {
    assertEquals(Optional.of("training on GPU 0 (NVIDIA A10G), 1 GPU visible (driver for CUDA 13.0, XGBoost built"
        + " with CUDA 13.3)"), DeviceCheck.forTraining("cuda", "device", "cuda", CUDA, ONE_GPU));
    assertEquals(Optional.of("training on GPU 2 (NVIDIA L4), 4 GPUs visible (driver for CUDA 13.1, XGBoost built"
        + " with CUDA 13.3); the other 3 stay idle, as this image trains in one process per host (see the README,"
        + " GPUs)"), DeviceCheck.forTraining("cuda:2", "device", "cuda:2", CUDA, FOUR_GPUS));
  }

  @Test
  void withoutTheShim_nothingIsChecked_andTheLogSaysSo() {
    assertEquals(Optional.of("device 'cuda': cannot check for a GPU, the native shim is not loaded ("
        + NativeShim.unavailableReason() + "); XGBoost trains on the CPU if it finds none"),
        DeviceCheck.forTraining("cuda", "device", "cuda", Optional.empty(), NO_DRIVER));
  }

  @Test
  void probe_withoutAnNvidiaDriver_saysLibcudaIsMissing() {
    requireShim();
    assumeTrue(!Files.exists(Path.of("/dev/nvidiactl")), "this machine has an NVIDIA driver");
    VisibleGpus gpus = VisibleGpus.probe();
    assertEquals(List.of(), gpus.names());
    assertEquals("no NVIDIA driver: libcuda.so.1: cannot open shared object file: No such file or directory",
        gpus.none());
  }

  @Test
  void serving_unsetOrCpu_predictsOnTheCpu() {
    List<String> log = new ArrayList<>();
    assertEquals("cpu", DeviceCheck.forServing("XGBC_SERVE_DEVICE", null, log::add));
    assertEquals("cpu", DeviceCheck.forServing("XGBC_SERVE_DEVICE", "cpu", log::add));
    assertEquals(List.of("predicting on the CPU (XGBC_SERVE_DEVICE=cuda predicts on a GPU in the GPU image)",
        "predicting on the CPU, as XGBC_SERVE_DEVICE=cpu asks"), log);
  }

  @Test
  void serving_cuda_predictsOnTheGpuWhenThereIsOne_elseOnTheCpuAndSaysWhy() {
    requireShim();
    List<String> log = new ArrayList<>();
    assertEquals("cuda:0", DeviceCheck.forServing("XGBC_SERVE_DEVICE", "cuda", log::add, () -> CUDA, ONE_GPU));
    assertEquals("cuda:3", DeviceCheck.forServing("XGBC_SERVE_DEVICE", "cuda:3", log::add, () -> CUDA, FOUR_GPUS));
    assertEquals("cpu", DeviceCheck.forServing("XGBC_SERVE_DEVICE", "cuda", log::add, () -> CUDA, NO_DRIVER));
    assertEquals("cpu", DeviceCheck.forServing("XGBC_SERVE_DEVICE", "cuda", log::add));
    assertEquals(List.of("predicting on GPU 0 (NVIDIA A10G), as XGBC_SERVE_DEVICE=cuda asks",
        "predicting on GPU 3 (NVIDIA L4), as XGBC_SERVE_DEVICE=cuda:3 asks",
        "predicting on the CPU: XGBC_SERVE_DEVICE=cuda asks for a GPU, but no GPU is visible in this container (no"
            + " NVIDIA driver: libcuda.so.1: cannot open shared object file: No such file or directory)",
        "predicting on the CPU: XGBC_SERVE_DEVICE=cuda asks for a GPU, but this is the CPU image, whose XGBoost"
            + " (xgboost4j from Maven Central) is built without CUDA"), log);
  }

  @Test
  void serving_anUnknownDevice_isAUserError() {
    UserError e = assertThrows(UserError.class,
        () -> DeviceCheck.forServing("XGBC_SERVE_DEVICE", "tpu", line -> { }));
    assertEquals("XGBC_SERVE_DEVICE: 'tpu' is not one of cpu, cuda, cuda:<ordinal>, perhaps you should set it to"
        + " cuda to predict on the first GPU, or leave it unset to predict on the CPU", e.getMessage());
  }
}
