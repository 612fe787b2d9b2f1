package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code metav1.PartialObjectMetadata}: an object's metadata alone, as a Table row's object and as
 * what metadata-only clients ask for ({@code as=PartialObjectMetadata}).
 */
@JsonPropertyOrder({"kind", "apiVersion", "metadata"})
public record PartialObjectMetadata(String kind, String apiVersion, ObjectMeta metadata) {

  public static final String KIND = "PartialObjectMetadata";

  /** @param apiVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}, as asked */
  public PartialObjectMetadata(String apiVersion, ObjectMeta metadata) {
    this(KIND, apiVersion, metadata);
  }
}
