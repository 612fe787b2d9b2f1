package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The subset of {@code metav1.ObjectMeta} metrics objects carry, in Go's field order; namespace and
 * labels are omitted when empty. {@code creationTimestamp} is in epoch seconds: {@code metav1.Time}
 * carries no more, in any representation.
 */
@JsonSerialize(using = MetricsJson.ObjectMetaWriter.class)
public record ObjectMeta(String name, String namespace, long creationTimestamp, Map<String, String> labels) {

  public ObjectMeta {
    // Go's encoding/json writes map keys sorted; label keys are ASCII, so String order is its byte
    // order. The pod store keeps labels sorted already, so this copies only what is not.
    if (labels != null && !(labels instanceof SortedMap)) {
      labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }
  }
}
