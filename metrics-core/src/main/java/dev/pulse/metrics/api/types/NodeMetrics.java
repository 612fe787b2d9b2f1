package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** {@code metrics.k8s.io/v1beta1 NodeMetrics}. */
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "timestamp", "window", "usage"})
public record NodeMetrics(@JsonInclude(JsonInclude.Include.NON_NULL) String kind,
    @JsonInclude(JsonInclude.Include.NON_NULL) String apiVersion, ObjectMeta metadata, String timestamp, String window,
    Map<String, String> usage) {

  public NodeMetrics(ObjectMeta metadata, String timestamp, String window, Map<String, String> usage) {
    this("NodeMetrics", MetricsGroup.GROUP_VERSION, metadata, timestamp, window, usage);
  }

  /** The same object as a list item: Go leaves items' TypeMeta empty, and omitempty drops it. */
  public NodeMetrics asListItem() {
    return new NodeMetrics(null, null, metadata, timestamp, window, usage);
  }
}
