package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.testing.MetricsServerCapture;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Aggregated discovery on {@code /apis}, compared with metrics-server's captured answer. */
class DiscoveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** What kube-apiserver 1.33 and kubectl send. */
  private static final String AGGREGATOR_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
      + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  private static java.util.List<String> headers(Reply reply) {
    return MetricsServerCapture.headers(reply.headers().stream().map(h -> Map.entry(h.name(), h.value())).toList(),
        Set.of());
  }

  /** The same resources make the same document, so even the ETag is metrics-server's. */
  @Test
  void isMetricsServersListWithItsETag() throws IOException {
    Reply reply = Discovery.aggregated(null);

    assertThat(reply.status()).isEqualTo(200);
    // metrics-server indents for curl; the content is what counts.
    assertThat(JSON.readTree(reply.body())).isEqualTo(JSON.readTree(MetricsServerCapture.body("aggregated-discovery.json")));
    assertThat(headers(reply)).containsExactlyInAnyOrderElementsOf(
        MetricsServerCapture.headers("aggregated-discovery", Set.of()));
  }

  @Test
  void aClientHoldingItGetsNotModified() {
    String etag = Discovery.aggregated(null).header("ETag");
    Reply reply = Discovery.aggregated(etag);

    assertThat(reply.status()).isEqualTo(304);
    assertThat(reply.body()).isEmpty();
    assertThat(headers(reply)).containsExactlyInAnyOrderElementsOf(
        MetricsServerCapture.headers("aggregated-discovery-if-none-match", Set.of()));
    // The API server compares the header whole: a list or a weak tag is a miss.
    assertThat(Discovery.aggregated("W/" + etag).status()).isEqualTo(200);
    assertThat(Discovery.aggregated(etag + ", \"x\"").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {AGGREGATOR_ACCEPT, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
      "application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
      "application/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"})
  void isWhatTheAggregatorAsksFor(String accept) {
    assertThat(Discovery.aggregatedRequested(accept)).isTrue();
  }

  /**
   * Legacy documents otherwise: v2beta1 is gone since Kubernetes 1.33 (metrics-server v0.8.0 refuses
   * it), and protobuf is not written by Pulse yet, so a client that also takes JSON gets legacy JSON.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "application/json", "*/*",
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
      "application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
      "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"})
  void isNotWhatOtherClientsAskFor(String accept) {
    assertThat(Discovery.aggregatedRequested(accept)).isFalse();
  }
}
