package dev.pulse.metrics.api.representation;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnsafeByteOperations;
import dev.pulse.metrics.api.types.ContainerMetrics;
import dev.pulse.metrics.api.types.MetricsGroup;
import dev.pulse.metrics.api.types.MetricsList;
import dev.pulse.metrics.api.types.NodeMetrics;
import dev.pulse.metrics.api.types.ObjectMeta;
import dev.pulse.metrics.api.types.PodMetrics;
import dev.pulse.metrics.api.types.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import k8s.io.apimachinery.pkg.api.resource.Generated.Quantity;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ListMeta;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.StatusDetails;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Time;
import k8s.io.apimachinery.pkg.runtime.Generated.TypeMeta;
import k8s.io.apimachinery.pkg.runtime.Generated.Unknown;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated;

/**
 * {@code application/vnd.kubernetes.protobuf}: the object as the messages generated from
 * Kubernetes' own .proto files, in the envelope every Kubernetes client unwraps (the magic
 * {@code k8s\0}, then a {@code runtime.Unknown} naming the kind and carrying the object's bytes).
 *
 * <p>Go's gogo-protobuf code writes every field that is not a pointer, empty or zero, and map
 * entries sorted by key; so every such field is set here and serialization is deterministic, and
 * the bytes are metrics-server's. Time is whole seconds: apimachinery leaves nanos out on purpose.
 */
public final class ProtobufEncoding {

  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private ProtobufEncoding() {}

  /** The body of an answer carrying {@code object}: a metrics object, a list of them, or a Status. */
  public static byte[] encode(Object object) {
    if (object instanceof NodeMetrics node) {
      return envelope(node.apiVersion(), node.kind(), node(node));
    }
    if (object instanceof PodMetrics pod) {
      return envelope(pod.apiVersion(), pod.kind(), pod(pod));
    }
    if (object instanceof MetricsList<?> list) {
      return envelope(list.apiVersion(), list.kind(), list(list));
    }
    if (object instanceof Status status) {
      return envelope(status.apiVersion(), status.kind(), status(status));
    }
    throw new IllegalArgumentException("no protobuf message for " + object.getClass().getName());
  }

  private static byte[] envelope(String apiVersion, String kind, MessageLite object) {
    Unknown unknown = Unknown.newBuilder()
        .setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        // Wrapped, not copied: a list of every pod is megabytes.
        .setRaw(UnsafeByteOperations.unsafeWrap(bytes(object)))
        .setContentEncoding("")
        .setContentType("")
        .build();
    byte[] out = new byte[MAGIC.length + unknown.getSerializedSize()];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    write(unknown, CodedOutputStream.newInstance(out, MAGIC.length, out.length - MAGIC.length));
    return out;
  }

  private static byte[] bytes(MessageLite message) {
    byte[] out = new byte[message.getSerializedSize()];
    write(message, CodedOutputStream.newInstance(out));
    return out;
  }

  private static void write(MessageLite message, CodedOutputStream out) {
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("a message outgrew the size it computed", e);
    }
  }

  private static Generated.NodeMetrics node(NodeMetrics node) {
    Generated.NodeMetrics.Builder out = Generated.NodeMetrics.newBuilder()
        .setMetadata(meta(node.metadata()))
        .setTimestamp(time(node.timestamp()))
        .setWindow(duration(node.window()));
    node.usage().forEach((resource, quantity) -> out.putUsage(resource, quantity(quantity)));
    return out.build();
  }

  private static Generated.PodMetrics pod(PodMetrics pod) {
    Generated.PodMetrics.Builder out = Generated.PodMetrics.newBuilder()
        .setMetadata(meta(pod.metadata()))
        .setTimestamp(time(pod.timestamp()))
        .setWindow(duration(pod.window()));
    for (ContainerMetrics container : pod.containers()) {
      Generated.ContainerMetrics.Builder c = Generated.ContainerMetrics.newBuilder().setName(container.name());
      container.usage().forEach((resource, quantity) -> c.putUsage(resource, quantity(quantity)));
      out.addContainers(c);
    }
    return out.build();
  }

  private static MessageLite list(MetricsList<?> list) {
    if (list.kind().equals(MetricsGroup.NODE_LIST_KIND)) {
      Generated.NodeMetricsList.Builder out = Generated.NodeMetricsList.newBuilder().setMetadata(emptyListMeta());
      list.items().forEach(item -> out.addItems(node((NodeMetrics) item)));
      return out.build();
    }
    Generated.PodMetricsList.Builder out = Generated.PodMetricsList.newBuilder().setMetadata(emptyListMeta());
    list.items().forEach(item -> out.addItems(pod((PodMetrics) item)));
    return out.build();
  }

  private static k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Status status(Status status) {
    k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Status.Builder out =
        k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Status.newBuilder()
            .setMetadata(emptyListMeta())
            .setStatus(status.status())
            .setMessage(status.message())
            .setReason(status.reason())
            .setCode(status.code());
    Status.Details details = status.details();
    if (details != null) {
      out.setDetails(StatusDetails.newBuilder()
          .setName(orEmpty(details.name()))
          .setGroup(orEmpty(details.group()))
          .setKind(orEmpty(details.kind()))
          .setRetryAfterSeconds(details.retryAfterSeconds() == null ? 0 : details.retryAfterSeconds())
          .setUid(""));
    }
    return out.build();
  }

  private static k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta meta(ObjectMeta meta) {
    k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta.Builder out =
        k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta.newBuilder()
            .setName(meta.name())
            .setGenerateName("")
            .setNamespace(orEmpty(meta.namespace()))
            .setSelfLink("")
            .setUid("")
            .setResourceVersion("")
            .setGeneration(0)
            .setCreationTimestamp(time(meta.creationTimestamp()));
    if (meta.labels() != null) {
      out.putAllLabels(meta.labels());
    }
    return out.build();
  }

  private static ListMeta emptyListMeta() {
    return ListMeta.newBuilder().setSelfLink("").setResourceVersion("").setContinue("").build();
  }

  private static Time time(long epochSeconds) {
    return Time.newBuilder().setSeconds(epochSeconds).setNanos(0).build();
  }

  private static k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Duration duration(Duration window) {
    return k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Duration.newBuilder().setDuration(window.toNanos()).build();
  }

  private static Quantity quantity(String canonical) {
    return Quantity.newBuilder().setString(canonical).build();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
