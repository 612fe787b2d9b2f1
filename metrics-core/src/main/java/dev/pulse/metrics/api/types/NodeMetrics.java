package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.Map;

/** {@code metrics.k8s.io/v1beta1 NodeMetrics}; {@code timestamp} in epoch seconds. */
@JsonSerialize(using = MetricsJson.NodeMetricsWriter.class)
public record NodeMetrics(String kind, String apiVersion, ObjectMeta metadata, long timestamp,
    Duration window, Map<String, String> usage) {

  public NodeMetrics(ObjectMeta metadata, long timestamp, Duration window, Map<String, String> usage) {
    this("NodeMetrics", MetricsGroup.GROUP_VERSION, metadata, timestamp, window, usage);
  }

  /** The same object as a list item: Go leaves items' TypeMeta empty, and omitempty drops it. */
  public NodeMetrics asListItem() {
    return new NodeMetrics(null, null, metadata, timestamp, window, usage);
  }
}
