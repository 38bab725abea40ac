package io.github.xgbcontainer.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.xgbcontainer.local.store.StoreUri;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What DescribeTrainingJob would say about a local job, with the local details beside it.
 *
 * @param jobName TrainingJobName
 * @param status Completed, Failed or Stopped
 * @param secondaryStatus Completed, Failed, MaxRuntimeExceeded
 * @param failureReason the failing host's failure file, or why the job could not start
 * @param modelArtifact where {@code model.tar.gz} went, when it was uploaded
 * @param finalMetrics each MetricDefinition's last value in the leader's log
 * @param start when the job began
 * @param trainingStart when the hosts were started, if they were
 * @param end when it ended
 * @param workDir the job's work folder
 * @param hostExitCodes each host's exit code, in host order
 */
public record JobSummary(String jobName, String status, String secondaryStatus, Optional<String> failureReason,
    Optional<StoreUri> modelArtifact, Map<String, Double> finalMetrics, Instant start, Optional<Instant> trainingStart,
    Instant end, String workDir, Map<String, Integer> hostExitCodes) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public boolean completed() {
    return status.equals("Completed");
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("TrainingJobName", jobName);
    root.put("TrainingJobStatus", status);
    root.put("SecondaryStatus", secondaryStatus);
    failureReason.ifPresent(r -> root.put("FailureReason", r));
    modelArtifact.ifPresent(m -> root.putObject("ModelArtifacts").put("S3ModelArtifacts", m.toString()));
    ArrayNode metrics = root.putArray("FinalMetricDataList");
    finalMetrics.forEach((name, value) -> {
      ObjectNode m = metrics.addObject();
      m.put("MetricName", name);
      m.put("Value", value);
      m.put("Timestamp", end.toString());
    });
    root.put("CreationTime", start.toString());
    trainingStart.ifPresent(t -> root.put("TrainingStartTime", t.toString()));
    root.put("TrainingEndTime", end.toString());
    root.put("TrainingTimeInSeconds", trainingStart.map(t -> Duration.between(t, end).toSeconds()).orElse(0L));
    ObjectNode local = root.putObject("Local");
    local.put("WorkDir", workDir);
    ObjectNode codes = local.putObject("HostExitCodes");
    hostExitCodes.forEach(codes::put);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> statuses() {
    return List.of("Completed", "Failed", "Stopped");
  }
}
