package dev.pulse.metrics.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulse.metrics.testing.NodesOnlyCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeDaemonEndpointsBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How Pulse finds a node's kubelet, as metrics-server does (metrics-server.md §1.4): the first
 * address of the first type in --kubelet-preferred-address-types, port 10250 unless
 * --kubelet-use-node-status-port and the node reports one, path /metrics/resource unless the node
 * carries the metrics.k8s.io/resource-metrics-path annotation.
 */
class KubeletEndpointTest {

  /** The order the shipped manifests and chart use. */
  private static final List<String> MANIFEST_TYPES = List.of("InternalIP", "ExternalIP", "Hostname");
  /** metrics-server's binary default (DefaultAddressTypePriority). */
  private static final List<String> BINARY_DEFAULT_TYPES =
      List.of("Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP");

  private static NodeAddress address(String type, String address) {
    return new NodeAddressBuilder().withType(type).withAddress(address).build();
  }

  private static NodeBuilder node(NodeAddress... addresses) {
    return new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
        .withNewStatus().withAddresses(addresses).endStatus();
  }

  private static Node nodeWithStatusPort(Integer port) {
    return node(address("InternalIP", "10.0.0.5")).editStatus()
        .withDaemonEndpoints(new NodeDaemonEndpointsBuilder()
            .withNewKubeletEndpoint().withPort(port).endKubeletEndpoint().build())
        .endStatus().build();
  }

  private static Node nodeWithPathAnnotation(String path) {
    return node(address("InternalIP", "10.0.0.5")).editMetadata()
        .withAnnotations(Map.of(KubeletEndpoint.PATH_ANNOTATION, path)).endMetadata().build();
  }

  /** The endpoint of {@code node} as the informer would decode it from the API server. */
  private static KubeletEndpoint endpoint(Node node, KubeletEndpoint.Settings settings)
      throws KubeletEndpoint.UnresolvableException {
    return KubeletEndpoint.of(NodesOnlyCluster.lean(node), settings);
  }

  private static KubeletEndpoint.Settings settings(List<String> types) {
    return new KubeletEndpoint.Settings(types, 10250, false);
  }

  // ---- address ----

  @Test
  void firstAddressOfTheFirstMatchingTypeWins() throws Exception {
    Node node = node(
        address("Hostname", "node-1"),
        address("ExternalIP", "203.0.113.7"),
        address("InternalIP", "10.0.0.5"),
        address("InternalIP", "10.0.0.6")).build();

    // type priority decides, not the order of status.addresses; within a type, the first one
    assertThat(endpoint(node, settings(MANIFEST_TYPES)).host()).isEqualTo("10.0.0.5");
    assertThat(endpoint(node, settings(List.of("ExternalIP", "InternalIP"))).host())
        .isEqualTo("203.0.113.7");
    assertThat(endpoint(node, settings(BINARY_DEFAULT_TYPES)).host()).isEqualTo("node-1");
  }

  @Test
  void laterTypesAreFallbacks() throws Exception {
    Node node = node(address("Hostname", "node-1"), address("ExternalIP", "203.0.113.7")).build();

    assertThat(endpoint(node, settings(MANIFEST_TYPES)).host()).isEqualTo("203.0.113.7");
  }

  @Test
  void noAddressOfAnAcceptedTypeIsAnErrorNamingTheTypes() {
    Node node = node(address("Hostname", "node-1")).build();

    assertThatThrownBy(() -> endpoint(node, settings(List.of("InternalIP", "ExternalIP"))))
        .isInstanceOf(KubeletEndpoint.UnresolvableException.class)
        .hasMessageContaining("InternalIP")
        .hasMessageContaining("ExternalIP");
  }

  @Test
  void nodeWithoutStatusIsUnresolvable() {
    Node node = new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build();

    assertThatThrownBy(() -> endpoint(node, settings(MANIFEST_TYPES)))
        .isInstanceOf(KubeletEndpoint.UnresolvableException.class)
        .hasMessageContaining("InternalIP");
  }

  // ---- port ----

  @Test
  void portIsTheFlagUnlessNodeStatusPortIsEnabled() throws Exception {
    Node node = nodeWithStatusPort(10255);

    assertThat(endpoint(node, new KubeletEndpoint.Settings(MANIFEST_TYPES, 10250, false)).port())
        .isEqualTo(10250);
    assertThat(endpoint(node, new KubeletEndpoint.Settings(MANIFEST_TYPES, 10250, true)).port())
        .isEqualTo(10255);
  }

  @Test
  void zeroOrAbsentStatusPortFallsBackToTheFlag() throws Exception {
    KubeletEndpoint.Settings useStatusPort = new KubeletEndpoint.Settings(MANIFEST_TYPES, 10250, true);

    // metrics-server: `if useNodeStatusPort && nodeStatusPort != 0`
    assertThat(endpoint(nodeWithStatusPort(0), useStatusPort).port()).isEqualTo(10250);
    assertThat(endpoint(nodeWithStatusPort(null), useStatusPort).port()).isEqualTo(10250);
    assertThat(endpoint(node(address("InternalIP", "10.0.0.5")).build(), useStatusPort).port())
        .isEqualTo(10250);
  }

  // ---- path ----

  @Test
  void pathDefaultsToResourceMetrics() throws Exception {
    Node node = node(address("InternalIP", "10.0.0.5")).build();

    assertThat(endpoint(node, settings(MANIFEST_TYPES)).path()).isEqualTo("/metrics/resource");
    assertThat(endpoint(nodeWithPathAnnotation(""), settings(MANIFEST_TYPES)).path())
        .isEqualTo("/metrics/resource");
  }

  @Test
  void pathAnnotationOverridesThePath() throws Exception {
    // kwok simulated nodes (metrics-server PR #1253)
    Node node = nodeWithPathAnnotation("/metrics/nodes/node-1/metrics/resource");

    assertThat(endpoint(node, settings(MANIFEST_TYPES)).path())
        .isEqualTo("/metrics/nodes/node-1/metrics/resource");
  }

  @Test
  void relativePathAnnotationIsRejected() {
    Node node = nodeWithPathAnnotation("metrics/resource");

    assertThatThrownBy(() -> endpoint(node, settings(MANIFEST_TYPES)))
        .isInstanceOf(KubeletEndpoint.UnresolvableException.class)
        .hasMessageContaining(KubeletEndpoint.PATH_ANNOTATION)
        .hasMessageContaining("\"metrics/resource\"");
  }

  // ---- URL ----

  @Test
  void urlBracketsIpv6Hosts() throws Exception {
    // as net.JoinHostPort does
    assertThat(endpoint(node(address("InternalIP", "fd00::5")).build(), settings(MANIFEST_TYPES)))
        .hasToString("https://[fd00::5]:10250/metrics/resource");
    assertThat(endpoint(node(address("InternalIP", "10.0.0.5")).build(), settings(MANIFEST_TYPES)))
        .hasToString("https://10.0.0.5:10250/metrics/resource");
    assertThat(endpoint(node(address("Hostname", "node-1")).build(), settings(MANIFEST_TYPES)))
        .hasToString("https://node-1:10250/metrics/resource");
  }
}
