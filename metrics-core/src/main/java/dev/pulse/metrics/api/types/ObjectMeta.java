package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** The subset of {@code metav1.ObjectMeta} metrics objects carry, in Go's field order. */
@JsonPropertyOrder({"name", "namespace", "creationTimestamp", "labels"})
public record ObjectMeta(
    String name,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String namespace,
    String creationTimestamp,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels) {}
