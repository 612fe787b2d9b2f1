package dev.pulse.metrics.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.pulse.metrics.api.types.GoDurations;
import dev.pulse.metrics.api.types.Timestamps;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import k8s.io.apimachinery.pkg.api.resource.Generated.Quantity;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Status;
import k8s.io.apimachinery.pkg.runtime.Generated.Unknown;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated;

/**
 * A protobuf answer decoded with the generated classes, as client-go would, and laid out as its JSON
 * form (creationTimestamp left out), so that a test compares one representation with the other.
 */
final class ProtobufAsJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProtobufAsJson() {}

  static JsonNode read(byte[] body) throws InvalidProtocolBufferException {
    if (!Arrays.equals(Arrays.copyOf(body, 4), new byte[] {'k', '8', 's', 0})) {
      throw new InvalidProtocolBufferException("no k8s protobuf envelope");
    }
    Unknown unknown = Unknown.parseFrom(Arrays.copyOfRange(body, 4, body.length));
    String kind = unknown.getTypeMeta().getKind();
    ByteString raw = unknown.getRaw();
    ObjectNode out = switch (kind) {
      case "NodeMetrics" -> node(Generated.NodeMetrics.parseFrom(raw));
      case "PodMetrics" -> pod(Generated.PodMetrics.parseFrom(raw));
      case "NodeMetricsList" -> items(Generated.NodeMetricsList.parseFrom(raw).getItemsList().stream()
          .map(ProtobufAsJson::node).toList());
      case "PodMetricsList" -> items(Generated.PodMetricsList.parseFrom(raw).getItemsList().stream()
          .map(ProtobufAsJson::pod).toList());
      case "Status" -> status(Status.parseFrom(raw));
      default -> throw new InvalidProtocolBufferException("unexpected kind " + kind);
    };
    ObjectNode typed = NODES.objectNode().put("kind", kind).put("apiVersion", unknown.getTypeMeta().getApiVersion());
    return typed.setAll(out);
  }

  private static ObjectNode items(java.util.List<ObjectNode> items) {
    ObjectNode list = NODES.objectNode();
    list.putObject("metadata");
    list.putArray("items").addAll(items);
    return list;
  }

  private static ObjectNode node(Generated.NodeMetrics m) {
    ObjectNode node = header(m.getMetadata(), m.getTimestamp().getSeconds(), m.getWindow().getDuration());
    node.set("usage", usage(m.getUsageMap()));
    return node;
  }

  private static ObjectNode pod(Generated.PodMetrics m) {
    ObjectNode pod = header(m.getMetadata(), m.getTimestamp().getSeconds(), m.getWindow().getDuration());
    m.getContainersList().forEach(c -> pod.withArray("containers").addObject()
        .put("name", c.getName()).set("usage", usage(c.getUsageMap())));
    return pod;
  }

  private static ObjectNode header(ObjectMeta meta, long timestamp, long windowNanos) {
    ObjectNode out = NODES.objectNode();
    ObjectNode metadata = out.putObject("metadata").put("name", meta.getName());
    if (!meta.getNamespace().isEmpty()) {
      metadata.put("namespace", meta.getNamespace());
    }
    if (meta.getLabelsCount() > 0) {
      ObjectNode labels = metadata.putObject("labels");
      meta.getLabelsMap().forEach(labels::put);
    }
    return out.put("timestamp", Timestamps.rfc3339(timestamp))
        .put("window", GoDurations.format(Duration.ofNanos(windowNanos)));
  }

  private static ObjectNode usage(Map<String, Quantity> usage) {
    ObjectNode out = NODES.objectNode();
    usage.forEach((resource, quantity) -> out.put(resource, quantity.getString()));
    return out;
  }

  private static ObjectNode status(Status status) {
    ObjectNode out = NODES.objectNode();
    out.putObject("metadata");
    out.put("status", status.getStatus()).put("message", status.getMessage()).put("reason", status.getReason());
    if (status.hasDetails()) {
      ObjectNode details = out.putObject("details");
      putIfSet(details, "name", status.getDetails().getName());
      putIfSet(details, "group", status.getDetails().getGroup());
      putIfSet(details, "kind", status.getDetails().getKind());
    }
    return out.put("code", status.getCode());
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (!value.isEmpty()) {
      node.put(field, value);
    }
  }
}
