package dev.pulse.metrics.api.representation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import k8s.io.apimachinery.pkg.api.resource.Generated.Quantity;
import k8s.io.apimachinery.pkg.runtime.Generated.Unknown;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated;
import org.junit.jupiter.api.Test;

/**
 * Pulse's three representations of one object against metrics-server v0.8.0's answers for it
 * (src/test/resources/metrics-server-representations, captured the same second in JSON, protobuf
 * and YAML). The metrics objects are built from the values in metrics-server's protobuf body, the
 * Status objects by Pulse's own factories; then each must encode to metrics-server's exact bytes.
 */
class RepresentationGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void nodeMetrics() throws Exception {
    NodeMetrics node = node(Generated.NodeMetrics.parseFrom(envelope("node", "NodeMetrics").getRaw()));

    assertThat(node.metadata().name()).isEqualTo("pulse-node-1");
    assertThat(node.usage()).containsEntry("cpu", "1720082356n").containsEntry("memory", "1720Mi");
    assertThat(node.window()).isEqualTo(Duration.ofMillis(15_007));
    assertAllRepresentations("node", node);
  }

  @Test
  void nodeMetricsList() throws Exception {
    Generated.NodeMetricsList decoded = Generated.NodeMetricsList.parseFrom(
        envelope("nodes", MetricsGroup.NODE_LIST_KIND).getRaw());
    MetricsList<NodeMetrics> list = MetricsList.nodes(decoded.getItemsList().stream()
        .map(RepresentationGoldenTest::node).toList());

    assertThat(list.items()).hasSize(3);
    assertAllRepresentations("nodes", list);
  }

  @Test
  void podMetrics() throws Exception {
    PodMetrics pod = pod(Generated.PodMetrics.parseFrom(envelope("pod", "PodMetrics").getRaw()));

    assertThat(pod.metadata().namespace()).isEqualTo("shop");
    assertThat(pod.containers()).extracting(ContainerMetrics::name).containsExactly("app", "proxy");
    assertAllRepresentations("pod", pod);
  }

  @Test
  void podMetricsList() throws Exception {
    Generated.PodMetricsList decoded = Generated.PodMetricsList.parseFrom(
        envelope("pods", MetricsGroup.POD_LIST_KIND).getRaw());
    MetricsList<PodMetrics> list = MetricsList.pods(decoded.getItemsList().stream()
        .map(RepresentationGoldenTest::pod).toList());

    assertThat(list.items()).hasSize(9);
    assertAllRepresentations("pods", list);
  }

  @Test
  void metadataAlone() throws Exception {
    // What a metadata-only client (as=PartialObjectMetadata[List]) gets: v1 and v1beta1, lists and objects.
    PartialObjectMetadataList list = PartialObjectMetadataList.of("meta.k8s.io/v1",
        partialList("nodes-partial", "meta.k8s.io/v1").getItemsList().stream().map(p -> meta(p.getMetadata())).toList());
    assertThat(list.items()).hasSize(3);
    assertAllRepresentations("nodes-partial", list);
    assertThat(ProtobufEncoding.encode(PartialObjectMetadataList.of("meta.k8s.io/v1beta1", list.items().stream()
        .map(PartialObjectMetadata::metadata).toList()))).isEqualTo(fixture("nodes-partial-v1beta1.pb"));

    ObjectMeta node = meta(k8s.io.apimachinery.pkg.apis.meta.v1.Generated.PartialObjectMetadata.parseFrom(
        envelope("node-partial", PartialObjectMetadata.KIND).getRaw()).getMetadata());
    assertThat(ProtobufEncoding.encode(new PartialObjectMetadata("meta.k8s.io/v1", node)))
        .isEqualTo(fixture("node-partial.pb"));
    PartialObjectMetadata v1beta1 = new PartialObjectMetadata("meta.k8s.io/v1beta1", node);
    JsonNode json = JSON.valueToTree(v1beta1);
    assertThat(json).isEqualTo(JSON.readTree(fixture("node-partial-v1beta1.json")));
    assertThat(new String(YamlEncoding.encode(json), StandardCharsets.UTF_8))
        .isEqualTo(new String(fixture("node-partial-v1beta1.yaml"), StandardCharsets.UTF_8));
  }

  @Test
  void notFoundStatuses() throws Exception {
    assertAllRepresentations("node-not-found", Status.notFound("", "node", "missing"));
    assertAllRepresentations("pod-not-found", Status.notFound("", "pods", "missing"));
  }

  @Test
  void badRequestStatuses() throws Exception {
    assertAllRepresentations("bad-label-selector",
        Status.badRequest("unable to parse requirement: found '=', expected: identifier"));
    assertAllRepresentations("bad-field-selector",
        Status.badRequest("\"spec.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""));
  }

  @Test
  void methodNotSupportedStatus() throws Exception {
    assertAllRepresentations("watch", Status.methodNotSupported(MetricsGroup.GROUP, "pods", "watch"));
  }

  @Test
  void tableAsYaml() throws IOException {
    // A Table has numbers, nested rows and cells: metrics-server's JSON and YAML Table of one moment.
    JsonNode table = JSON.readTree(fixture("pods-table.json"));
    assertThat(new String(YamlEncoding.encode(table), StandardCharsets.UTF_8))
        .isEqualTo(new String(fixture("pods-table.yaml"), StandardCharsets.UTF_8));
  }

  @Test
  void yamlEdgeCasesAsSigsK8sIoYamlWritesThem() throws IOException {
    // Strings that need each quoting style, literal blocks, escapes, key order and empty collections,
    // written by sigs.k8s.io/yaml v1.4.0's JSONToYAML itself (yaml-edges/main.go).
    JsonNode edges = JSON.readTree(fixture("yaml-edges/edges.json"));
    assertThat(new String(YamlEncoding.encode(edges), StandardCharsets.UTF_8))
        .isEqualTo(new String(fixture("yaml-edges/edges.yaml"), StandardCharsets.UTF_8));
  }

  @Test
  void yamlQuotesWhatWouldReadBackAsAnotherType() {
    // A label value of digits, a date, a boolean word, a number with exponent: all must stay strings.
    for (String s : List.of("5647875786", "2026-11-30T23:07:33Z", "2026-1-2", "yes", "Off", "~", "1e3", ".5",
        "0x1F", "-12", "+1", "")) {
      assertThat(YamlEncoding.resolvesToString(s)).as(s).isFalse();
    }
    for (String s : List.of("5bbc6669f7", "15.007s", "1720Mi", "1720082356n", "pulse-node-1", "<<", "2026-13-01",
        "0x", "1e999", "y1", ".inf1")) {
      assertThat(YamlEncoding.resolvesToString(s)).as(s).isTrue();
    }
  }

  @Test
  void yamlOrdersKeysAsGoYamlDoes() {
    // Digit runs compare as numbers, and letters after every other character (unlike String order).
    List<String> keys = new ArrayList<>(List.of("a10", "a9", "a-b", "ab", "a_b", "B", "a"));
    keys.sort(YamlEncoding::compareKeys);
    assertThat(keys).containsExactly("B", "a", "a-b", "a_b", "a9", "a10", "ab");
  }

  private static void assertAllRepresentations(String name, Object object) throws IOException {
    assertThat(ProtobufEncoding.encode(object)).as("%s.pb", name).isEqualTo(fixture(name + ".pb"));
    JsonNode json = JSON.valueToTree(object);
    assertThat(json).as("%s.json", name).isEqualTo(JSON.readTree(fixture(name + ".json")));
    assertThat(new String(YamlEncoding.encode(json), StandardCharsets.UTF_8)).as("%s.yaml", name)
        .isEqualTo(new String(fixture(name + ".yaml"), StandardCharsets.UTF_8));
  }

  /** The runtime.Unknown of a fixture, checked to name {@code kind}. */
  private static Unknown envelope(String name, String kind) throws IOException {
    byte[] body = fixture(name + ".pb");
    assertThat(Arrays.copyOf(body, 4)).isEqualTo(new byte[] {'k', '8', 's', 0});
    Unknown unknown = Unknown.parseFrom(Arrays.copyOfRange(body, 4, body.length));
    assertThat(unknown.getTypeMeta().getKind()).isEqualTo(kind);
    return unknown;
  }

  private static k8s.io.apimachinery.pkg.apis.meta.v1.Generated.PartialObjectMetadataList partialList(String name,
      String apiVersion) throws IOException {
    Unknown unknown = envelope(name, PartialObjectMetadataList.KIND);
    assertThat(unknown.getTypeMeta().getApiVersion()).isEqualTo(apiVersion);
    return k8s.io.apimachinery.pkg.apis.meta.v1.Generated.PartialObjectMetadataList.parseFrom(unknown.getRaw());
  }

  private static NodeMetrics node(Generated.NodeMetrics m) {
    return new NodeMetrics(meta(m.getMetadata()), m.getTimestamp().getSeconds(),
        Duration.ofNanos(m.getWindow().getDuration()), usage(m.getUsageMap()));
  }

  private static PodMetrics pod(Generated.PodMetrics m) {
    return new PodMetrics(meta(m.getMetadata()), m.getTimestamp().getSeconds(),
        Duration.ofNanos(m.getWindow().getDuration()), m.getContainersList().stream()
            .map(c -> new ContainerMetrics(c.getName(), usage(c.getUsageMap()))).toList());
  }

  private static ObjectMeta meta(k8s.io.apimachinery.pkg.apis.meta.v1.Generated.ObjectMeta m) {
    return new ObjectMeta(m.getName(), m.getNamespace().isEmpty() ? null : m.getNamespace(),
        m.getCreationTimestamp().getSeconds(), m.getLabelsMap());
  }

  /** In cpu, memory order, as Pulse builds usage (the protobuf map has no order of its own). */
  private static Map<String, String> usage(Map<String, Quantity> decoded) {
    Map<String, String> usage = new LinkedHashMap<>();
    for (String resource : List.of("cpu", "memory")) {
      usage.put(resource, decoded.get(resource).getString());
    }
    assertThat(decoded).hasSize(2);
    return usage;
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = RepresentationGoldenTest.class.getResourceAsStream("/metrics-server-representations/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
