package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.List;

/** {@code metrics.k8s.io/v1beta1 PodMetrics}: per-container usage, no pod total; {@code timestamp} in epoch seconds. */
@JsonSerialize(using = MetricsJson.PodMetricsWriter.class)
public record PodMetrics(String kind, String apiVersion, ObjectMeta metadata, long timestamp,
    Duration window, List<ContainerMetrics> containers) {

  public PodMetrics(ObjectMeta metadata, long timestamp, Duration window, List<ContainerMetrics> containers) {
    this("PodMetrics", MetricsGroup.GROUP_VERSION, metadata, timestamp, window, containers);
  }

  /** The same object as a list item: Go leaves items' TypeMeta empty, and omitempty drops it. */
  public PodMetrics asListItem() {
    return new PodMetrics(null, null, metadata, timestamp, window, containers);
  }
}
