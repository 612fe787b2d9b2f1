package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** {@code metrics.k8s.io/v1beta1 NodeMetrics}. */
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "timestamp", "window", "usage"})
public record NodeMetrics(String kind, String apiVersion, ObjectMeta metadata, String timestamp, String window,
    Map<String, String> usage) {

  public NodeMetrics(ObjectMeta metadata, String timestamp, String window, Map<String, String> usage) {
    this("NodeMetrics", MetricsGroup.GROUP_VERSION, metadata, timestamp, window, usage);
  }
}
