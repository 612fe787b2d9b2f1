package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** {@code meta.k8s.io Table}, what {@code kubectl get nodemetrics} prints. */
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "columnDefinitions", "rows"})
public record Table(String kind, String apiVersion, Map<String, String> metadata, List<Column> columnDefinitions,
    List<Row> rows) {

  @JsonPropertyOrder({"name", "type", "format", "description", "priority"})
  public record Column(String name, String type, String format, String description, int priority) {}

  /** {@code object} is the full object, its metadata only, or null, as the client's includeObject asks. */
  @JsonPropertyOrder({"cells", "object"})
  public record Row(List<Object> cells, Object object) {}
}
