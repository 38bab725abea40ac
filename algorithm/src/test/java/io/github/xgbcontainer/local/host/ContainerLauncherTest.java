package io.github.xgbcontainer.local.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.local.plan.TrainingJobRequest;
import io.github.xgbcontainer.sagemaker.SageMakerPaths;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerLauncherTest {

  private static TrainingJobRequest request(String instanceType) throws Exception {
    return TrainingJobRequest.parse(new ObjectMapper().readTree("{\"TrainingJobName\": \"job-1\","
        + " \"AlgorithmSpecification\": {\"TrainingImage\": \"xgboost-container:latest-gpu\", \"TrainingInputMode\": \"File\"},"
        + " \"InputDataConfig\": [{\"ChannelName\": \"train\", \"DataSource\": {\"S3DataSource\": {\"S3DataType\": \"S3Prefix\","
        + " \"S3Uri\": \"s3://data/train\"}}}], \"OutputDataConfig\": {\"S3OutputPath\": \"s3://out/models\"},"
        + " \"ResourceConfig\": {\"InstanceCount\": 1" + (instanceType == null ? "" : ", \"InstanceType\": \"" + instanceType + "\"")
        + "}}"));
  }

  private static List<String> command(String runtime, String instanceType) throws Exception {
    Host host = new Host("algo-1", 1, new SageMakerPaths(Path.of("/work/job-1/algo-1")));
    return new ContainerLauncher(runtime, request(instanceType)).command(host);
  }

  private static List<String> expected(String runtime, List<String> gpu) {
    List<String> cmd = new java.util.ArrayList<>(List.of(runtime, "run", "--rm", "--name", "job-1-algo-1",
        "--hostname", "algo-1", "--network", "job-1-net", "--network-alias", "algo-1", "-v", "/work/job-1/algo-1:/opt/ml"));
    cmd.addAll(gpu);
    cmd.addAll(List.of("xgboost-container:latest-gpu", "train"));
    return cmd;
  }

  @Test
  void gpuInstanceTypes_giveEveryContainerTheGpus_inEachRuntimesOwnWay() throws Exception {
    assertEquals(expected("docker", List.of("--gpus", "all")), command("docker", "ml.g5.xlarge"));
    assertEquals(expected("podman", List.of("--device", "nvidia.com/gpu=all")), command("podman", "ml.p4d.24xlarge"));
    assertEquals(expected("/usr/bin/docker", List.of("--gpus", "all")), command("/usr/bin/docker", "local_gpu"));
  }

  @Test
  void cpuOrMissingInstanceTypes_getNoGpuFlags() throws Exception {
    assertEquals(expected("docker", List.of()), command("docker", "ml.m5.xlarge"));
    assertEquals(expected("podman", List.of()), command("podman", "ml.inf2.xlarge"));
    assertEquals(expected("docker", List.of()), command("docker", "ml.graviton.fake")); // not ml.g<digit>
    assertEquals(expected("docker", List.of()), command("docker", null));
  }
}
