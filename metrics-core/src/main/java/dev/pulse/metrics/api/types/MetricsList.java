package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** {@code NodeMetricsList} / {@code PodMetricsList}: no resourceVersion, no continue token. */
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "items"})
public record MetricsList<T>(String kind, String apiVersion, Map<String, String> metadata, List<T> items) {

  public static MetricsList<NodeMetrics> nodes(List<NodeMetrics> items) {
    return new MetricsList<>(MetricsGroup.NODE_LIST_KIND, MetricsGroup.GROUP_VERSION, Map.of(),
        items.stream().map(NodeMetrics::asListItem).toList());
  }

  public static MetricsList<PodMetrics> pods(List<PodMetrics> items) {
    return new MetricsList<>(MetricsGroup.POD_LIST_KIND, MetricsGroup.GROUP_VERSION, Map.of(),
        items.stream().map(PodMetrics::asListItem).toList());
  }
}
