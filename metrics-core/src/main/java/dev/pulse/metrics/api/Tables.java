package dev.pulse.metrics.api;

import dev.pulse.metrics.api.types.GoDurations;
import dev.pulse.metrics.api.types.ObjectMeta;
import dev.pulse.metrics.api.types.PartialObjectMetadata;
import dev.pulse.metrics.api.types.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Table output as metrics-server renders it: a Name column, one quantity column per resource in
 * alphabetical order (a pod's row sums its containers) and the Window.
 */
final class Tables {

  /** The {@code includeObject} query parameter; Metadata is the API server's default. */
  enum IncludeObject { NONE, METADATA, OBJECT }

  /** One row's data: the served object and the numbers its cells show. */
  record Item(ObjectMeta meta, Object object, long cpuNanocores, long memoryBytes, Duration window) {}

  private static final List<Table.Column> COLUMNS = List.of(
      new Table.Column("Name", "string", "name", "Name of the resource", 0),
      new Table.Column("cpu", "string", "quantity", "", 0),
      new Table.Column("memory", "string", "quantity", "", 0),
      new Table.Column("Window", "string", "duration", "", 0));

  private Tables() {}

  /** Parses {@code includeObject}; null when the value is not one Kubernetes defines. */
  static IncludeObject includeObject(String param) {
    if (param == null || param.isEmpty()) {
      return IncludeObject.METADATA;
    }
    return switch (param) {
      case "None" -> IncludeObject.NONE;
      case "Metadata" -> IncludeObject.METADATA;
      case "Object" -> IncludeObject.OBJECT;
      default -> null;
    };
  }

  /** An empty table has neither columns nor rows, as metrics-server derives columns from the first item. */
  static Table of(Output output, IncludeObject include, List<Item> items) {
    if (items.isEmpty()) {
      return new Table("Table", output.apiVersion(), Map.of(), null, null);
    }
    List<Table.Row> rows = new ArrayList<>(items.size());
    for (Item item : items) {
      List<Object> cells = List.of(item.meta().name(), Quantities.cpu(item.cpuNanocores()),
          Quantities.memory(item.memoryBytes()), GoDurations.format(item.window()));
      Object rowObject = switch (include) {
        case NONE -> null;
        case OBJECT -> item.object();
        // The API server gives the row's PartialObjectMetadata the Table's group version (asTable).
        case METADATA -> new PartialObjectMetadata(output.apiVersion(), item.meta());
      };
      rows.add(new Table.Row(cells, rowObject));
    }
    return new Table("Table", output.apiVersion(), Map.of(), COLUMNS, rows);
  }
}
