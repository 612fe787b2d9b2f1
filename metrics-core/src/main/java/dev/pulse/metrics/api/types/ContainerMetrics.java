package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** One container's usage inside a {@link PodMetrics}. */
@JsonPropertyOrder({"name", "usage"})
public record ContainerMetrics(String name, Map<String, String> usage) {}
