package io.github.xgbcontainer.device;

import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.matrix.NativeShim;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the device XGBoost is asked to run on is here. XGBoost's CUDA build, finding no GPU,
 * trains on the CPU with only a warning, and the CPU build ignores {@code device=cuda} the same way;
 * on SageMaker a GPU job that quietly ran on the CPU is paid for and slow. So training fails at
 * once with a UserError that says what is missing, and serving says in its log which device it
 * predicts on.
 */
public final class DeviceCheck {

  private static final Pattern DEVICE = Pattern.compile("cpu|(?:cuda|gpu)(?::(\\d+))?");

  /**
   * The oldest compute capability the CUDA build of xgboost4j 3.4.0 has device code for (sm_75,
   * Turing: its libxgboost4j.so carries sm_75 to sm_120); on an older GPU (a V100 is 7.0) every
   * kernel would fail to launch. Revisit with each xgboost4j version.
   */
  static final int MIN_CAPABILITY = 75;

  /** The GPU variant's image name, as {@code make image-gpu} tags it. */
  static final String GPU_IMAGE = "xgboost-container:latest-gpu";

  private DeviceCheck() {}

  /** A device as XGBoost names it: {@code cpu}, or {@code cuda}/{@code gpu} with an optional ordinal. */
  record Request(String text, boolean gpu, int ordinal) {
    Request {
      if (ordinal < 0) {
        throw new IllegalArgumentException("GPU ordinal " + ordinal + " is negative");
      }
    }

    /** Null when {@code text} is not a device name XGBoost takes. */
    static Request parse(String text) {
      Matcher m = DEVICE.matcher(text);
      if (!m.matches()) {
        return null;
      }
      if (text.equals("cpu")) {
        return new Request(text, false, 0);
      }
      return new Request(text, true, m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
    }
  }

  /** What a GPU request comes to here. */
  sealed interface Verdict {}

  /** The GPU is there: XGBoost runs on {@code gpus.names().get(ordinal)}. */
  record Ready(int ordinal, VisibleGpus gpus, XgboostBuild build) implements Verdict {}

  /** The GPU is not there: why ({@code reason}, after "but") and what to do ({@code fix}, "perhaps you should ..."). */
  record Blocked(String reason, String fix) implements Verdict {}

  /** Nothing could be asked (no native shim): XGBoost decides, and falls back to the CPU if it finds no GPU. */
  record Unchecked(String why) implements Verdict {}

  /** The verdict on a GPU request against a build and the GPUs the driver shows (asked only for a CUDA build). */
  static Verdict judge(Request request, Optional<XgboostBuild> build, Supplier<VisibleGpus> probe) {
    if (build.isEmpty()) {
      return new Unchecked("the native shim is not loaded (" + NativeShim.unavailableReason() + ")");
    }
    if (!build.get().cuda()) {
      return new Blocked("this is the CPU image, whose XGBoost (xgboost4j from Maven Central) is built without CUDA",
          "perhaps you should run the GPU variant of this image (" + GPU_IMAGE + ", built by make image-gpu)"
              + " on a GPU instance type such as ml.g5.xlarge");
    }
    VisibleGpus gpus = probe.get();
    if (gpus.names().isEmpty()) {
      return new Blocked("no GPU is visible in this container (" + gpus.none() + ")",
          "perhaps you should start the container with the host's GPUs (docker run --gpus all ...),"
              + " or on SageMaker pick a GPU instance type such as ml.g5.xlarge");
    }
    int major = build.get().cudaMajor();
    if (gpus.driverCudaVersion() / 1000 < major) {
      return new Blocked("the NVIDIA driver supports CUDA " + gpus.driverVersion() + ", older than the "
          + build.get().describe() + " this XGBoost is built with",
          "perhaps you should update the host's NVIDIA driver to one for CUDA " + major + " or later");
    }
    int count = gpus.names().size();
    if (request.ordinal() >= count) {
      return new Blocked((count == 1 ? "only 1 GPU is visible, " : "only " + count + " GPUs are visible, ")
          + "numbered from 0: " + gpus.describe(0) + (count > 1 ? " to " + gpus.describe(count - 1) : ""),
          "perhaps you should name a visible one (" + (count == 1 ? "cuda:0" : "cuda:0 to cuda:" + (count - 1))
              + ") or just cuda");
    }
    int capability = gpus.capabilities().get(request.ordinal());
    if (capability < MIN_CAPABILITY) {
      return new Blocked(gpus.describe(request.ordinal()) + " has compute capability " + gpus.capability(request.ordinal())
          + ", older than the " + MIN_CAPABILITY / 10 + "." + MIN_CAPABILITY % 10 + " (Turing) this XGBoost is built for",
          "perhaps you should pick a newer GPU, such as the instance types ml.g4dn, ml.g5, ml.g6, ml.p4d or ml.p5");
    }
    return new Ready(request.ordinal(), gpus, build.get());
  }

  /**
   * Checks a training job's device before any data is read.
   *
   * @param device the device XGBoost is given ({@code Hyperparameters.device()}), valid
   * @param key the hyperparameter that asked for it, {@code device} or {@code tree_method} (gpu_hist)
   * @param value that hyperparameter's value as given
   * @return the line to log: on which GPU training runs, or that it could not be checked; empty for
   *     the CPU
   * @throws UserError when the GPU it asks for is not here
   */
  public static Optional<String> forTraining(String device, String key, String value) {
    return forTraining(device, key, value, XgboostBuild.loaded(), VisibleGpus::probe);
  }

  static Optional<String> forTraining(String device, String key, String value, Optional<XgboostBuild> build,
      Supplier<VisibleGpus> probe) {
    Request request = Request.parse(device);
    if (request == null) {
      throw new IllegalArgumentException("device '" + device + "' was not validated");
    }
    if (!request.gpu()) {
      return Optional.empty();
    }
    Verdict verdict = judge(request, build, probe);
    if (verdict instanceof Blocked b) {
      String cpu = key.equals("tree_method") ? "set tree_method to 'hist'" : "set device to 'cpu'";
      throw new UserError("hyperparameter '" + key + "': '" + value + "' needs an NVIDIA GPU, but " + b.reason()
          + ", " + b.fix() + ", or " + cpu + " to train on the CPU");
    }
    if (verdict instanceof Unchecked u) {
      return Optional.of("device '" + device + "': cannot check for a GPU, " + u.why()
          + "; XGBoost trains on the CPU if it finds none");
    }
    Ready ready = (Ready) verdict;
    int count = ready.gpus().names().size();
    String idle = count == 1 ? "" : "; the other " + (count - 1) + " stay idle, as this image trains in one"
        + " process per host (see the README, GPUs)";
    return Optional.of("training on " + ready.gpus().describe(ready.ordinal()) + ", " + count + " GPU"
        + (count == 1 ? "" : "s") + " visible (driver for CUDA " + ready.gpus().driverVersion() + ", XGBoost built with "
        + ready.build().describe() + ")" + idle);
  }

  /**
   * The device {@code serve} predicts on: the GPU that {@code requested} names when it is here, the
   * CPU otherwise (unset, {@code cpu}, or no GPU), said in one log line.
   *
   * @param variable the environment variable {@code requested} comes from, for messages
   * @param requested its value, or null when unset
   * @throws UserError when {@code requested} is not a device name
   */
  public static String forServing(String variable, String requested, Consumer<String> log) {
    return forServing(variable, requested, log, XgboostBuild::loaded, VisibleGpus::probe);
  }

  static String forServing(String variable, String requested, Consumer<String> log,
      Supplier<Optional<XgboostBuild>> build, Supplier<VisibleGpus> probe) {
    if (requested == null || requested.isBlank()) {
      log.accept("predicting on the CPU (" + variable + "=cuda predicts on a GPU in the GPU image)");
      return "cpu";
    }
    Request request = Request.parse(requested.strip());
    if (request == null) {
      throw new UserError(variable + ": '" + requested + "' is not one of cpu, cuda, cuda:<ordinal>, perhaps you"
          + " should set it to cuda to predict on the first GPU, or leave it unset to predict on the CPU");
    }
    if (!request.gpu()) {
      log.accept("predicting on the CPU, as " + variable + "=" + request.text() + " asks");
      return "cpu";
    }
    Verdict verdict = judge(request, build.get(), probe);
    if (verdict instanceof Ready ready) {
      log.accept("predicting on " + ready.gpus().describe(ready.ordinal()) + ", as " + variable + "="
          + request.text() + " asks");
      return "cuda:" + ready.ordinal();
    }
    String why = verdict instanceof Blocked b ? b.reason() : ((Unchecked) verdict).why();
    log.accept("predicting on the CPU: " + variable + "=" + request.text() + " asks for a GPU, but " + why);
    return "cpu";
  }
}
