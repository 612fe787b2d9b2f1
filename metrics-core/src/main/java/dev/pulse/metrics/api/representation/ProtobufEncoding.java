package dev.pulse.metrics.api.representation;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnsafeByteOperations;
import dev.pulse.metrics.api.types.ContainerMetrics;
import dev.pulse.metrics.api.types.MetricsGroup;
import dev.pulse.metrics.api.types.MetricsList;
import dev.pulse.metrics.api.types.NodeMetrics;
import dev.pulse.metrics.api.types.ObjectMeta;
import dev.pulse.metrics.api.types.PartialObjectMetadata;
import dev.pulse.metrics.api.types.PartialObjectMetadataList;
import dev.pulse.metrics.api.types.PodMetrics;
import dev.pulse.metrics.api.types.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import k8s.io.apimachinery.pkg.api.resource.Generated.Quantity;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.APIGroup;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.APIGroupList;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.APIResource;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.APIResourceList;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.GroupVersionForDiscovery;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ListMeta;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.StatusDetails;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Time;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Verbs;
import k8s.io.apimachinery.pkg.runtime.Generated.TypeMeta;
import k8s.io.apimachinery.pkg.runtime.Generated.Unknown;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated;

/**
 * {@code application/vnd.kubernetes.protobuf}: the object (a metrics object or list, an object's or
 * list's metadata alone, or a Status) as the messages generated from
 * Kubernetes' own .proto files, in the envelope every Kubernetes client unwraps (the magic
 * {@code k8s\0}, then a {@code runtime.Unknown} naming the kind and carrying the object's bytes).
 *
 * <p>Go's gogo-protobuf code writes every field that is not a pointer, empty or zero, and map
 * entries sorted by key; so every such field is set here and serialization is deterministic, and
 * the bytes are metrics-server's. Time is whole seconds: apimachinery leaves nanos out on purpose.
 */
public final class ProtobufEncoding {

  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final ListMeta EMPTY_LIST_META =
      ListMeta.newBuilder().setSelfLink("").setResourceVersion("").setContinue("").build();

  private ProtobufEncoding() {}

  /** The body of an answer carrying {@code object}. */
  public static byte[] encode(Object object) {
    if (object instanceof NodeMetrics node) {
      return envelope(node.apiVersion(), node.kind(), node(node, new Shared()));
    }
    if (object instanceof PodMetrics pod) {
      return envelope(pod.apiVersion(), pod.kind(), pod(pod, new Shared()));
    }
    if (object instanceof MetricsList<?> list) {
      return envelope(list.apiVersion(), list.kind(), list(list));
    }
    if (object instanceof Status status) {
      return envelope(status.apiVersion(), status.kind(), status(status));
    }
    if (object instanceof PartialObjectMetadata partial) {
      return envelope(partial.apiVersion(), partial.kind(), partial(partial, new Shared()));
    }
    if (object instanceof PartialObjectMetadataList list) {
      return envelope(list.apiVersion(), list.kind(), partialList(list));
    }
    if (object instanceof Map<?, ?> document) {
      return discovery(document);
    }
    throw new IllegalArgumentException("no protobuf message for " + object.getClass().getName());
  }

  /** A legacy discovery document, from the JSON-ordered map {@code Discovery} serves. */
  private static byte[] discovery(Map<?, ?> document) {
    String kind = (String) document.get("kind");
    String apiVersion = document.containsKey("apiVersion") ? (String) document.get("apiVersion") : "";
    MessageLite message = switch (kind) {
      case "APIGroupList" -> APIGroupList.newBuilder()
          .addAllGroups(maps(document.get("groups")).stream().map(ProtobufEncoding::group).toList()).build();
      case "APIGroup" -> group(document);
      case "APIResourceList" -> APIResourceList.newBuilder().setGroupVersion((String) document.get("groupVersion"))
          .addAllResources(maps(document.get("resources")).stream().map(ProtobufEncoding::resource).toList())
          .build();
      default -> throw new IllegalArgumentException("no protobuf message for a " + kind);
    };
    return envelope(apiVersion, kind, message);
  }

  private static APIGroup group(Map<?, ?> group) {
    return APIGroup.newBuilder().setName((String) group.get("name"))
        .addAllVersions(maps(group.get("versions")).stream().map(ProtobufEncoding::groupVersion).toList())
        .setPreferredVersion(groupVersion((Map<?, ?>) group.get("preferredVersion")))
        .build();
  }

  private static GroupVersionForDiscovery groupVersion(Map<?, ?> version) {
    return GroupVersionForDiscovery.newBuilder().setGroupVersion((String) version.get("groupVersion"))
        .setVersion((String) version.get("version")).build();
  }

  /** Every string field set, empty ones too: gogo-protobuf writes them all. */
  private static APIResource resource(Map<?, ?> resource) {
    return APIResource.newBuilder().setName((String) resource.get("name"))
        .setSingularName((String) resource.get("singularName"))
        .setNamespaced((Boolean) resource.get("namespaced"))
        .setGroup("").setVersion("")
        .setKind((String) resource.get("kind"))
        .setVerbs(Verbs.newBuilder().addAllItems(((List<?>) resource.get("verbs")).stream().map(String.class::cast)
            .toList()))
        .setStorageVersionHash("")
        .build();
  }

  private static List<Map<?, ?>> maps(Object list) {
    return ((List<?>) list).stream().<Map<?, ?>>map(Map.class::cast).toList();
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

  /**
   * The Time and Duration messages of one answer: every item of a list shares its creationTimestamp
   * and most share a scrape's timestamp and window, and a shared message's size is computed once.
   */
  private static final class Shared {
    private final Map<Long, Time> times = new HashMap<>();
    private final Map<Duration, k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Duration> durations = new HashMap<>();

    Time time(long epochSeconds) {
      return times.computeIfAbsent(epochSeconds, s -> Time.newBuilder().setSeconds(s).setNanos(0).build());
    }

    k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Duration duration(Duration window) {
      return durations.computeIfAbsent(window, w ->
          k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Duration.newBuilder().setDuration(w.toNanos()).build());
    }
  }

  private static Generated.NodeMetrics node(NodeMetrics node, Shared shared) {
    Generated.NodeMetrics.Builder out = Generated.NodeMetrics.newBuilder()
        .setMetadata(meta(node.metadata(), shared))
        .setTimestamp(shared.time(node.timestamp()))
        .setWindow(shared.duration(node.window()));
    node.usage().forEach((resource, quantity) -> out.putUsage(resource, quantity(quantity)));
    return out.build();
  }

  private static Generated.PodMetrics pod(PodMetrics pod, Shared shared) {
    Generated.PodMetrics.Builder out = Generated.PodMetrics.newBuilder()
        .setMetadata(meta(pod.metadata(), shared))
        .setTimestamp(shared.time(pod.timestamp()))
        .setWindow(shared.duration(pod.window()));
    for (ContainerMetrics container : pod.containers()) {
      Generated.ContainerMetrics.Builder c = Generated.ContainerMetrics.newBuilder().setName(container.name());
      container.usage().forEach((resource, quantity) -> c.putUsage(resource, quantity(quantity)));
      out.addContainers(c);
    }
    return out.build();
  }

  private static MessageLite list(MetricsList<?> list) {
    Shared shared = new Shared();
    if (list.kind().equals(MetricsGroup.NODE_LIST_KIND)) {
      Generated.NodeMetricsList.Builder out = Generated.NodeMetricsList.newBuilder().setMetadata(EMPTY_LIST_META);
      list.items().forEach(item -> out.addItems(node((NodeMetrics) item, shared)));
      return out.build();
    }
    Generated.PodMetricsList.Builder out = Generated.PodMetricsList.newBuilder().setMetadata(EMPTY_LIST_META);
    list.items().forEach(item -> out.addItems(pod((PodMetrics) item, shared)));
    return out.build();
  }

  private static k8s.io.apimachinery.pkg.apis.meta.v1.Generated.PartialObjectMetadata partial(
      PartialObjectMetadata partial, Shared shared) {
    return k8s.io.apimachinery.pkg.apis.meta.v1.Generated.PartialObjectMetadata.newBuilder()
        .setMetadata(meta(partial.metadata(), shared))
        .build();
  }

  /** meta.k8s.io/v1beta1 has a list message of its own (fields numbered the other way round). */
  private static MessageLite partialList(PartialObjectMetadataList list) {
    Shared shared = new Shared();
    List<k8s.io.apimachinery.pkg.apis.meta.v1.Generated.PartialObjectMetadata> items = list.items() == null
        ? List.of() : list.items().stream().map(item -> partial(item, shared)).toList();
    if (list.apiVersion().endsWith("/v1beta1")) {
      return k8s.io.apimachinery.pkg.apis.meta.v1beta1.Generated.PartialObjectMetadataList.newBuilder()
          .setMetadata(EMPTY_LIST_META).addAllItems(items).build();
    }
    return k8s.io.apimachinery.pkg.apis.meta.v1.Generated.PartialObjectMetadataList.newBuilder()
        .setMetadata(EMPTY_LIST_META).addAllItems(items).build();
  }

  private static k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Status status(Status status) {
    k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Status.Builder out =
        k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Status.newBuilder()
            .setMetadata(EMPTY_LIST_META)
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

  private static k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta meta(ObjectMeta meta, Shared shared) {
    k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta.Builder out =
        k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta.newBuilder()
            .setName(meta.name())
            .setGenerateName("")
            .setNamespace(orEmpty(meta.namespace()))
            .setSelfLink("")
            .setUid("")
            .setResourceVersion("")
            .setGeneration(0)
            .setCreationTimestamp(shared.time(meta.creationTimestamp()));
    if (meta.labels() != null) {
      out.putAllLabels(meta.labels());
    }
    return out.build();
  }

  private static Quantity quantity(String canonical) {
    return Quantity.newBuilder().setString(canonical).build();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
