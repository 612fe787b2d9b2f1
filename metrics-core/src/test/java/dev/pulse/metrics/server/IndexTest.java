package dev.pulse.metrics.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.testing.MetricsServerCapture;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The path listing the API server answers at {@code /} and for paths nothing serves. */
class IndexTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Index index = new Index(List.of(
      new Health("livez").add("ping", () -> null).add("metric-collection-timely", () -> null),
      new Health("readyz").add("ping", () -> null).add("metric-storage-ready", () -> null),
      new Health("healthz").add("ping", () -> null).add("metric-collection-timely", () -> null)));

  private static List<String> paths(byte[] listing) throws IOException {
    return JSON.<Map<String, List<String>>>readValue(listing, new TypeReference<>() {}).get("paths");
  }

  @Test
  void listsEveryPathPulseServesSorted() throws IOException {
    assertThat(paths(index.listing())).containsExactly(
        "/apis", "/apis/metrics.k8s.io", "/apis/metrics.k8s.io/v1beta1",
        "/healthz", "/healthz/metric-collection-timely", "/healthz/ping",
        "/livez", "/livez/metric-collection-timely", "/livez/ping",
        "/metrics", "/openapi/v2", "/openapi/v3", "/openapi/v3/",
        "/readyz", "/readyz/metric-storage-ready", "/readyz/ping",
        "/version");
  }

  /**
   * metrics-server lists more checks (its informers', the generic server's post-start hooks, log,
   * shutdown): Pulse lists its own. Everything else it lists, Pulse lists too, in the same format.
   */
  @Test
  void listsWhatMetricsServerListsButItsChecks() throws IOException {
    List<String> theirs = paths(MetricsServerCapture.body("index-404.json"));
    List<String> ours = paths(index.listing());
    assertThat(ours).containsAll(theirs.stream().filter(p -> !p.matches("/(livez|readyz|healthz)/.*")).toList());
    assertThat(new String(IndentedJson.write(Map.of("paths", theirs))))
        .isEqualTo(MetricsServerCapture.text("index-404.json"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/version/x", "/apis/metrics.k8s.io/foo", "/apis/metrics.k8s.io/v1",
      "/apis/metrics.k8s.io/v1beta1/nodes/a/b", "/apis/metrics.k8s.io/v1beta1/namespaces/shop"})
  void pathsUnderRestPrefixesAreNotFoundStatuses(String path) {
    assertThat(Index.underRestRoot(path)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api", "/apis/foo", "/metrics/x", "/versionx", "/readyz/nope", "/livez/", "/openapi/v2/"})
  void otherPathsAreAnsweredWithTheListing(String path) {
    assertThat(Index.underRestRoot(path)).isFalse();
    assertThat(Index.isIndex(path)).isFalse();
  }

  @Test
  void versionIsServedWithAndWithoutTheTrailingSlash() {
    assertThat(Index.isVersion("/version")).isTrue();
    assertThat(Index.isVersion("/version/")).isTrue();
    assertThat(Index.isVersion("/version/x")).isFalse();
    assertThat(Index.isVersion("/versions")).isFalse();
  }

  @Test
  void theRootIsTheIndex() {
    assertThat(Index.isIndex("/")).isTrue();
    assertThat(Index.isIndex("/index.html")).isTrue();
  }
}
