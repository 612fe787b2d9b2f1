package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Writers for the objects a list carries by the tens of thousands. Each writes its fields in Go's
 * order straight to the generator, with Go's omitempty rules, instead of Jackson's per-property
 * reflection and inclusion checks: encoding was most of the time of a list of every pod.
 */
final class MetricsJson {

  private MetricsJson() {}

  static final class ObjectMetaWriter extends StdSerializer<ObjectMeta> {
    ObjectMetaWriter() {
      super(ObjectMeta.class);
    }

    @Override
    public void serialize(ObjectMeta meta, JsonGenerator json, SerializerProvider provider) throws IOException {
      writeMeta(meta, json);
    }
  }

  static final class NodeMetricsWriter extends StdSerializer<NodeMetrics> {
    NodeMetricsWriter() {
      super(NodeMetrics.class);
    }

    @Override
    public void serialize(NodeMetrics node, JsonGenerator json, SerializerProvider provider) throws IOException {
      json.writeStartObject();
      writeHeader(node.kind(), node.apiVersion(), node.metadata(), node.timestamp(), node.window(), json);
      json.writeFieldName("usage");
      writeStrings(node.usage(), json);
      json.writeEndObject();
    }
  }

  static final class PodMetricsWriter extends StdSerializer<PodMetrics> {
    PodMetricsWriter() {
      super(PodMetrics.class);
    }

    @Override
    public void serialize(PodMetrics pod, JsonGenerator json, SerializerProvider provider) throws IOException {
      json.writeStartObject();
      writeHeader(pod.kind(), pod.apiVersion(), pod.metadata(), pod.timestamp(), pod.window(), json);
      json.writeArrayFieldStart("containers");
      for (ContainerMetrics container : pod.containers()) {
        json.writeStartObject();
        json.writeStringField("name", container.name());
        json.writeFieldName("usage");
        writeStrings(container.usage(), json);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  /** Go's {@code TypeMeta} is omitted when empty, as on list items. */
  private static void writeHeader(String kind, String apiVersion, ObjectMeta metadata, long timestamp,
      Duration window, JsonGenerator json) throws IOException {
    if (kind != null) {
      json.writeStringField("kind", kind);
    }
    if (apiVersion != null) {
      json.writeStringField("apiVersion", apiVersion);
    }
    json.writeFieldName("metadata");
    writeMeta(metadata, json);
    json.writeStringField("timestamp", Timestamps.rfc3339(timestamp));
    json.writeStringField("window", GoDurations.format(window));
  }

  private static void writeMeta(ObjectMeta meta, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", meta.name());
    if (meta.namespace() != null && !meta.namespace().isEmpty()) {
      json.writeStringField("namespace", meta.namespace());
    }
    json.writeStringField("creationTimestamp", Timestamps.rfc3339(meta.creationTimestamp()));
    if (meta.labels() != null && !meta.labels().isEmpty()) {
      json.writeFieldName("labels");
      writeStrings(meta.labels(), json);
    }
    json.writeEndObject();
  }

  private static void writeStrings(Map<String, String> map, JsonGenerator json) throws IOException {
    json.writeStartObject();
    for (Map.Entry<String, String> e : map.entrySet()) {
      json.writeStringField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
  }
}
