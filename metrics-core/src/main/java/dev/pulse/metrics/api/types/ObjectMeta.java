package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The subset of {@code metav1.ObjectMeta} metrics objects carry, in Go's field order. */
@JsonPropertyOrder({"name", "namespace", "creationTimestamp", "labels"})
public record ObjectMeta(
    String name,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String namespace,
    String creationTimestamp,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels) {

  public ObjectMeta {
    // Go's encoding/json writes map keys sorted; label keys are ASCII, so String order is its byte
    // order. The pod store keeps labels sorted already, so this copies only what is not.
    if (labels != null && !(labels instanceof SortedMap)) {
      labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }
  }
}
