package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.storage.ContainerSample;
import dev.pulse.metrics.storage.KubeletReport;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.storage.NodeSample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pulse against responses metrics-server is documented to have sent, byte for byte. The golden
 * files under src/test/resources/golden/metrics-server/ are the examples quoted in
 * shared/docs/reference/metrics-server.md (section named on each test and in the folder's README),
 * in Go's compact encoding. For each, the kubelet samples that yield exactly the documented
 * values are computed backwards, stored through the normal scrape path, and served.
 *
 * <p>The one field metrics-server does not derive from samples is {@code creationTimestamp}: it is
 * the time of serving. Instead of rewriting it, each test serves at the documented instant, so
 * nothing at all is normalised.
 */
class GoldenCompatibilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The golden file's bytes less the newline Go's json.Encoder appends (Pulse's encoder adds none). */
  private static String golden(String name) throws IOException {
    try (InputStream in = GoldenCompatibilityTest.class.getResourceAsStream("/golden/metrics-server/" + name)) {
      assertThat(in).as("golden file %s", name).isNotNull();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text).endsWith("}\n");
      return text.substring(0, text.length() - 1);
    }
  }

  private static String serve(MetricsApiTest.FakeCluster cluster, MetricsStore store, String servedAt, String path)
      throws Exception {
    MetricsApi api = new MetricsApi(cluster, store, LabelSelector.everything(),
        Clock.fixed(Instant.parse(servedAt), ZoneOffset.UTC), age -> { });
    MetricsApi.Response response = api.serve(ApiRequest.parse(path, Map.of()).orElseThrow(), "application/json");
    assertThat(response.status()).isEqualTo(200);
    return new String(JSON.writeValueAsBytes(response.body()), StandardCharsets.UTF_8);
  }

  /** §2.1: {@code GET /apis/metrics.k8s.io/v1beta1}. */
  @Test
  void apiResourceList() throws Exception {
    String served = serve(new MetricsApiTest.FakeCluster(), new MetricsStore(60_000, 0),
        "2024-01-01T00:00:00Z", "/apis/metrics.k8s.io/v1beta1");

    assertThat(served).isEqualTo(golden("api-resource-list.json"));
  }

  /**
   * §2.3, first example: NodeMetricsList with node1 at "287982098n" / "1156520Ki", window "30s",
   * timestamp 2021-09-02T15:46:26Z, served at 2021-09-02T15:47:07Z.
   */
  @Test
  void nodeMetricsList() throws Exception {
    long last = Instant.parse("2021-09-02T15:46:26Z").toEpochMilli();
    long prev = last - 30_000; // window "30s"
    // 287982098 nanocores over 30 s = 287982098 x 30 = 8639462940 ns of CPU between the samples
    // (exact: no rounding in the division). The first counter value is the one in the kubelet
    // payload quoted in §1.5 (357.35491 s).
    long cpuPrev = 357_354_910_000L;
    long cpuLast = cpuPrev + 8_639_462_940L;
    // "1156520Ki" = 1156520 x 1024 = 1184276480 bytes (1156520 is not a multiple of 1024)
    long memory = 1_184_276_480L;

    MetricsStore store = new MetricsStore(30_000, 0);
    store.recordSuccess("node1", new KubeletReport(new NodeSample(prev, cpuPrev, 1_000_000_000L), List.of(), List.of()));
    store.recordSuccess("node1", new KubeletReport(new NodeSample(last, cpuLast, memory), List.of(), List.of()));
    MetricsApiTest.FakeCluster cluster = new MetricsApiTest.FakeCluster();
    cluster.addNode("node1", Map.of("kubernetes.io/hostname", "node1"));

    String served = serve(cluster, store, "2021-09-02T15:47:07Z", "/apis/metrics.k8s.io/v1beta1/nodes");

    assertThat(served).isEqualTo(golden("node-metrics-list.json"));
  }

  /**
   * §2.3, second example: PodMetrics default/redis-7cf6f69fd-n75x4, one container at
   * "1522429n" / "3216Ki", window "59.943s", timestamp 2024-04-24T12:39:19Z, served at
   * 2024-04-24T12:39:56Z.
   */
  @Test
  void podMetricsRedis() throws Exception {
    long last = Instant.parse("2024-04-24T12:39:19Z").toEpochMilli();
    long prev = last - 59_943; // window "59.943s": the real gap between two scrapes, not the resolution
    // rate = trunc(delta / 59.943). 1522429 x 59.943 = 91258961.547, so delta = 91258962 ns gives
    // 1522429.0076 -> 1522429 (and 91258961 would give 1522428.99).
    long cpuPrev = 4_710_169_000L;
    long cpuLast = cpuPrev + 91_258_962L;
    // "3216Ki" = 3216 x 1024 = 3293184 bytes
    long memory = 3_293_184L;
    // started long before both samples: neither a restart nor a fresh container
    long started = Instant.parse("2024-04-24T10:00:00Z").toEpochMilli();

    MetricsStore store = new MetricsStore(60_000, 0);
    store.recordSuccess("node1", new KubeletReport(null, List.of(new ContainerSample(
        "default", "redis-7cf6f69fd-n75x4", "redis", prev, cpuPrev, 3_000_000L, started)), List.of()));
    store.recordSuccess("node1", new KubeletReport(null, List.of(new ContainerSample(
        "default", "redis-7cf6f69fd-n75x4", "redis", last, cpuLast, memory, started)), List.of()));
    MetricsApiTest.FakeCluster cluster = new MetricsApiTest.FakeCluster();
    cluster.addPod("default", "redis-7cf6f69fd-n75x4", Map.of("app", "redis", "pod-template-hash", "7cf6f69fd"));

    String served = serve(cluster, store, "2024-04-24T12:39:56Z",
        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/redis-7cf6f69fd-n75x4");

    assertThat(served).isEqualTo(golden("pod-metrics-redis.json"));
  }
}
