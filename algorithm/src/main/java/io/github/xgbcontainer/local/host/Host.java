package io.github.xgbcontainer.local.host;

import io.github.xgbcontainer.sagemaker.SageMakerPaths;

/**
 * One host of a local job: {@code algo-<rank+1>} with its own {@code /opt/ml}.
 *
 * @param name {@code algo-1}, {@code algo-2}, ...
 * @param rank position in name order, 0 for the leader
 * @param paths its {@code /opt/ml} tree under the job's work folder
 */
public record Host(String name, int rank, SageMakerPaths paths) {

  /** The loopback address this host gets when hosts run as processes on one machine. */
  public String loopbackAddress() {
    return "127.0.0." + (rank + 1);
  }
}
