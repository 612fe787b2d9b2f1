package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** {@code metrics.k8s.io/v1beta1 PodMetrics}: per-container usage, no pod total. */
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "timestamp", "window", "containers"})
public record PodMetrics(String kind, String apiVersion, ObjectMeta metadata, String timestamp, String window,
    List<ContainerMetrics> containers) {

  public PodMetrics(ObjectMeta metadata, String timestamp, String window, List<ContainerMetrics> containers) {
    this("PodMetrics", MetricsGroup.GROUP_VERSION, metadata, timestamp, window, containers);
  }
}
