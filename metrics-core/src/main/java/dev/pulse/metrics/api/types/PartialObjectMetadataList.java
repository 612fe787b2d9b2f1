package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * {@code PartialObjectMetadataList}: a list's items as metadata alone. Go's items field has no
 * omitempty and an empty list leaves it nil, so it is {@code null} then, not {@code []}.
 */
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "items"})
public record PartialObjectMetadataList(String kind, String apiVersion, Map<String, String> metadata,
    List<PartialObjectMetadata> items) {

  public static final String KIND = "PartialObjectMetadataList";

  public static PartialObjectMetadataList of(String apiVersion, List<ObjectMeta> items) {
    return new PartialObjectMetadataList(KIND, apiVersion, Map.of(), items.isEmpty() ? null
        : items.stream().map(meta -> new PartialObjectMetadata(apiVersion, meta)).toList());
  }
}
