package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.representation.MediaType;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.storage.ContainerSample;
import dev.pulse.metrics.storage.KubeletReport;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.storage.NodeSample;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every metrics resource request of the captured matrix (index.tsv: 11 paths by 13 Accept headers),
 * served by Pulse for the same node and pod: the same status, the same Content-Type, and for JSON
 * errors the same Status. Which error a request with several problems gets, and in which
 * representation, is what this pins down.
 */
class MetricsServerMatrixTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIXTURES = "/metrics-server-representations/";
  private static final String NODE = "pulse-node-1";
  private static final String NAMESPACE = "shop";
  private static final String POD = "api-5d4498b7d6-m2gqn";
  private static final long T1 = Instant.parse("2026-11-30T23:07:16Z").toEpochMilli();
  private static final long T2 = T1 + 15_000;

  static Stream<Arguments> captured() throws IOException {
    try (InputStream in = MetricsServerMatrixTest.class.getResourceAsStream(FIXTURES + "index.tsv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(line -> line.split("\t", -1))
          .map(f -> Arguments.of(f[0], f[1].substring("GET ".length()), f[2],
              Integer.parseInt(f[3].split(" ")[1]), f[4].substring("content-type: ".length())))
          .toList().stream();
    }
  }

  @ParameterizedTest(name = "{0} {1} Accept: {2}")
  @MethodSource("captured")
  void answersAsMetricsServerDid(String n, String target, String accept, int status, String contentType)
      throws IOException {
    MetricsApi.Response response = api().serve(request(target), accept);

    assertThat(response.status()).isEqualTo(status);
    assertThat(response.mediaType().contentType()).isEqualTo(contentType);
    if (status != 200 && response.mediaType() == MediaType.JSON) {
      try (InputStream in = MetricsServerMatrixTest.class.getResourceAsStream(FIXTURES + "errors/" + n + ".json")) {
        assertThat(JSON.valueToTree(response.body()).equals(JSON.readTree(in))).as("Status body").isTrue();
      }
    }
  }

  /** The server hands the API a decoded path and decoded query parameters. */
  private static ApiRequest request(String target) {
    String[] pathAndQuery = target.split("\\?", 2);
    Map<String, String> query = new HashMap<>();
    if (pathAndQuery.length == 2) {
      for (String param : pathAndQuery[1].split("&")) {
        String[] kv = param.split("=", 2);
        query.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
      }
    }
    return ApiRequest.parse(decode(pathAndQuery[0]), query).orElseThrow();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static MetricsApi api() {
    MetricsApiTest.FakeCluster cluster = new MetricsApiTest.FakeCluster();
    cluster.addNode(NODE, Map.of("kubernetes.io/hostname", NODE));
    cluster.addPod(NAMESPACE, POD, Map.of("app", "api"));
    MetricsStore store = new MetricsStore(15_000, 0);
    for (long t : new long[] {T1, T2}) {
      long cpu = (t - T1) * 1_000_000L;
      store.recordSuccess(NODE, new KubeletReport(new NodeSample(t, cpu, 1L << 30), List.of(
          new ContainerSample(NAMESPACE, POD, "app", t, cpu, 1L << 20, T1 - 60_000)), List.of()));
    }
    return new MetricsApi(cluster, store, LabelSelector.everything(),
        Clock.fixed(Instant.ofEpochMilli(T2 + 2_000), ZoneOffset.UTC), age -> { });
  }
}
