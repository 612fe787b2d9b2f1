package dev.pulse.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import k8s.io.apimachinery.pkg.api.resource.Generated.Quantity;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.APIGroupList;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Duration;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta;
import k8s.io.apimachinery.pkg.apis.meta.v1.Generated.Time;
import k8s.io.apimachinery.pkg.runtime.Generated.Unknown;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated.ContainerMetrics;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated.NodeMetrics;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated.NodeMetricsList;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated.PodMetrics;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated.PodMetricsList;

/**
 * Kubernetes' protobuf answers ({@code k8s\0} and a {@code runtime.Unknown} around the object),
 * decoded with the classes generated from the upstream .proto files, as a client decodes them.
 */
final class ProtobufBodies {

  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final Time SOME_TIME = Time.newBuilder().setSeconds(0).build();
  private static final Duration SOME_WINDOW = Duration.newBuilder().setDuration(0).build();
  private static final Quantity SOME_QUANTITY = Quantity.newBuilder().setString("0").build();

  private ProtobufBodies() {}

  /** The envelope of an answer; fails when the magic is missing. */
  static Unknown envelope(byte[] body) throws InvalidProtocolBufferException {
    if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new AssertionError("not a Kubernetes protobuf answer (no k8s\\0 magic): "
          + Base64.getEncoder().encodeToString(body));
    }
    return Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
  }

  /**
   * The answer re-encoded with each scrape's values (timestamps, windows, usage quantities)
   * replaced by fixed ones, presence and order kept; readable, for a comparison and its report.
   */
  static String canonical(byte[] body) throws InvalidProtocolBufferException {
    Unknown envelope = envelope(body);
    String kind = envelope.getTypeMeta().getKind();
    MessageLite object = switch (kind) {
      case "NodeMetrics" -> mask(NodeMetrics.parseFrom(envelope.getRaw()));
      case "NodeMetricsList" -> {
        NodeMetricsList list = NodeMetricsList.parseFrom(envelope.getRaw());
        NodeMetricsList.Builder masked = list.toBuilder().clearItems();
        list.getItemsList().forEach(item -> masked.addItems(mask(item)));
        yield masked.build();
      }
      case "PodMetrics" -> mask(PodMetrics.parseFrom(envelope.getRaw()));
      case "PodMetricsList" -> {
        PodMetricsList list = PodMetricsList.parseFrom(envelope.getRaw());
        PodMetricsList.Builder masked = list.toBuilder().clearItems();
        list.getItemsList().forEach(item -> masked.addItems(mask(item)));
        yield masked.build();
      }
      // metrics-server adds its own listen address to /apis; the rest must match.
      case "APIGroupList" -> {
        APIGroupList list = APIGroupList.parseFrom(envelope.getRaw());
        APIGroupList.Builder masked = list.toBuilder().clearGroups();
        list.getGroupsList().forEach(group -> masked.addGroups(group.toBuilder().clearServerAddressByClientCIDRs()));
        yield masked.build();
      }
      // Status, the other discovery documents: nothing in them changes between scrapes.
      default -> null;
    };
    byte[] raw = object == null ? envelope.getRaw().toByteArray() : object.toByteArray();
    Unknown rebuilt = envelope.toBuilder().setRaw(ByteString.copyFrom(raw)).build();
    return Base64.getEncoder().encodeToString(rebuilt.toByteArray()) + "\n  = " + rebuilt.getTypeMeta() + " "
        + (object == null ? "(raw)" : object.toString());
  }

  static NodeMetrics mask(NodeMetrics metrics) {
    NodeMetrics.Builder b = metrics.toBuilder().setMetadata(mask(metrics.getMetadata()));
    if (metrics.hasTimestamp()) {
      b.setTimestamp(SOME_TIME);
    }
    if (metrics.hasWindow()) {
      b.setWindow(SOME_WINDOW);
    }
    metrics.getUsageMap().keySet().forEach(resource -> b.putUsage(resource, SOME_QUANTITY));
    return b.build();
  }

  static PodMetrics mask(PodMetrics metrics) {
    PodMetrics.Builder b = metrics.toBuilder().setMetadata(mask(metrics.getMetadata())).clearContainers();
    if (metrics.hasTimestamp()) {
      b.setTimestamp(SOME_TIME);
    }
    if (metrics.hasWindow()) {
      b.setWindow(SOME_WINDOW);
    }
    // metrics-server lists a pod's containers in Go map order, which changes from call to call.
    List<ContainerMetrics> containers = new ArrayList<>(metrics.getContainersList());
    containers.sort(Comparator.comparing(ContainerMetrics::getName));
    for (ContainerMetrics container : containers) {
      ContainerMetrics.Builder c = container.toBuilder();
      container.getUsageMap().keySet().forEach(resource -> c.putUsage(resource, SOME_QUANTITY));
      b.addContainers(c);
    }
    return b.build();
  }

  private static ObjectMeta mask(ObjectMeta meta) {
    return meta.hasCreationTimestamp() ? meta.toBuilder().setCreationTimestamp(SOME_TIME).build() : meta;
  }
}
