package io.github.xgbcontainer.device;

import io.github.xgbcontainer.matrix.NativeShim;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The NVIDIA GPUs this process can use, as the driver reports them (CUDA_VISIBLE_DEVICES applied).
 *
 * @param names the GPUs' names, GPU 0 first; empty when none is visible
 * @param capabilities their compute capabilities, as {@code 10 * major + minor} (75 for 7.5)
 * @param driverCudaVersion the CUDA version the driver supports, as {@code 1000 * major + 10 * minor}
 *     (12040 for 12.4); 0 when there is no driver
 * @param none why no GPU is visible (no driver library, a failing driver call, a count of 0); null
 *     when {@code names} is not empty
 */
public record VisibleGpus(List<String> names, List<Integer> capabilities, int driverCudaVersion, String none) {

  /** The most GPUs whose names are asked for; an instance has at most 16. */
  private static final int MAX_NAMED = 64;

  public VisibleGpus {
    names = List.copyOf(names);
    capabilities = List.copyOf(capabilities);
    if (capabilities.size() != names.size()) {
      throw new IllegalArgumentException(names.size() + " GPUs but " + capabilities.size() + " capabilities");
    }
    if (names.isEmpty() == (none == null)) {
      throw new IllegalArgumentException("either GPUs or the reason there are none, not both: " + names + ", " + none);
    }
    if (driverCudaVersion < 0) {
      throw new IllegalArgumentException("driver CUDA version " + driverCudaVersion + " is negative");
    }
  }

  /** No GPU, and why. */
  static VisibleGpus none(String why, int driverCudaVersion) {
    return new VisibleGpus(List.of(), List.of(), driverCudaVersion, Objects.requireNonNull(why));
  }

  /** Asks the NVIDIA driver through the native shim, which must be available. */
  static VisibleGpus probe() {
    String[] names = new String[MAX_NAMED];
    int[] capabilities = new int[MAX_NAMED];
    int[] driver = new int[1];
    String[] error = new String[1];
    int count = NativeShim.cudaDevices(names, capabilities, driver, error);
    if (count == -1) {
      return none("no NVIDIA driver: " + error[0], 0);
    }
    if (count < 0) {
      return none("the NVIDIA driver answers " + error[0], driver[0]);
    }
    if (count == 0) {
      String mask = System.getenv("CUDA_VISIBLE_DEVICES");
      return none("the NVIDIA driver sees no GPU" + (mask == null ? "" : ", with CUDA_VISIBLE_DEVICES='" + mask + "'"),
          driver[0]);
    }
    int named = Math.min(count, MAX_NAMED);
    return new VisibleGpus(Arrays.asList(names).subList(0, named).stream().map(n -> n == null ? "unnamed" : n).toList(),
        Arrays.stream(capabilities, 0, named).boxed().toList(), driver[0], null);
  }

  /** {@code GPU 0 (NVIDIA H200)}. */
  String describe(int ordinal) {
    return "GPU " + ordinal + " (" + names.get(ordinal) + ")";
  }

  /** {@code 7.5}: the compute capability of GPU {@code ordinal}. */
  String capability(int ordinal) {
    return capabilities.get(ordinal) / 10 + "." + capabilities.get(ordinal) % 10;
  }

  /** {@code 12.4}. */
  String driverVersion() {
    return driverCudaVersion / 1000 + "." + driverCudaVersion % 1000 / 10;
  }
}
