package dev.pulse.metrics.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.ETags;
import dev.pulse.metrics.api.Reply;
import dev.pulse.metrics.testing.MetricsServerCapture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kube-openapi's handlers as metrics-server answers through them: the same documents (but for
 * {@code info}), the same ETag rule, the same caching headers, compared with captured answers.
 */
class OpenApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant STARTED = Instant.parse("2026-11-30T23:05:52.250Z");
  private static final Instant NOW = Instant.parse("2026-11-30T23:13:24Z");
  private static final String METRICS = OpenApi.V3 + "/apis/metrics.k8s.io/v1beta1";
  /** Values that are Pulse's own (its documents differ in {@code info}, so their hashes differ too). */
  private static final Set<String> OWN = Set.of("etag", "last-modified", "location");

  private final OpenApi openApi = OpenApi.load("0.1.0-SNAPSHOT", STARTED);

  private static OpenApi.Request get(String path) {
    return new OpenApi.Request("GET", path, null, null, null, null, null);
  }

  private Reply answer(OpenApi.Request request) {
    return openApi.answer(request, NOW);
  }

  private static List<String> headers(Reply reply) {
    return MetricsServerCapture.headers(reply.headers().stream()
        .map(h -> Map.entry(h.name(), h.value())).toList(), OWN);
  }

  private static String etag(Reply reply) {
    return reply.header("ETag").replace("\"", "");
  }

  @Test
  void theDocumentsAreMetricsServersWithPulsesInfo() throws IOException {
    JsonNode v2 = JSON.readTree(answer(get(OpenApi.V2)).body());
    assertThat(v2.path("info")).isEqualTo(JSON.readTree("""
        {"title":"Pulse metrics-core","version":"v0.1.0"}"""));
    assertThat(v2.path("swagger").asText()).isEqualTo("2.0");
    for (String name : OpenApi.V3_DOCUMENTS) {
      JsonNode v3 = JSON.readTree(answer(get(OpenApi.V3 + "/" + name)).body());
      assertThat(v3.path("openapi").asText()).as(name).isEqualTo("3.0.0");
      assertThat(v3.path("info").path("title").asText()).as(name).isEqualTo("Pulse metrics-core");
    }
  }

  /**
   * The resources are metrics-server's bytes: the hashes in its own captured index are the SHA-512
   * of the stored files, so nothing was reformatted or edited by hand.
   */
  @Test
  void theStoredDocumentsAreTheBytesMetricsServerServed() throws IOException {
    JsonNode index = JSON.readTree(MetricsServerCapture.body("openapi-v3-index.json"));
    for (String name : OpenApi.V3_DOCUMENTS) {
      String url = index.at("/paths/" + name.replace("/", "~1") + "/serverRelativeURL").asText();
      assertThat(url).as(name).isEqualTo(OpenApi.V3 + "/" + name + "?hash=" + ETags.sha512(stored("v3/" + name + ".json")));
    }
    String v2Etag = MetricsServerCapture.headers("openapi-v2", Set.of()).stream()
        .filter(h -> h.startsWith("etag: ")).findFirst().orElseThrow();
    assertThat(v2Etag).isEqualTo("etag: \"" + ETags.sha512(stored("v2.json")) + "\"");
  }

  @Test
  void theV3IndexNamesEachDocumentWithTheHashOfWhatIsServed() throws IOException {
    Reply index = answer(get(OpenApi.V3));
    JsonNode paths = JSON.readTree(index.body()).path("paths");

    assertThat(paths.fieldNames()).toIterable().containsExactlyElementsOf(OpenApi.V3_DOCUMENTS);
    for (String name : OpenApi.V3_DOCUMENTS) {
      Reply document = answer(get(OpenApi.V3 + "/" + name));
      assertThat(paths.path(name).path("serverRelativeURL").asText())
          .isEqualTo(OpenApi.V3 + "/" + name + "?hash=" + etag(document));
    }
    assertThat(etag(index)).isEqualTo(ETags.sha512(index.body()));
    assertThat(headers(index)).containsExactlyInAnyOrderElementsOf(withoutRanges("openapi-v3-index"));
  }

  @Test
  void answersEachDocumentAsMetricsServerDoes() {
    Reply v2 = answer(get(OpenApi.V2));
    assertThat(headers(v2)).containsExactlyInAnyOrderElementsOf(withoutRanges("openapi-v2"));
    assertThat(etag(v2)).isEqualTo(ETags.sha512(v2.body()));
    assertThat(v2.header("Last-Modified")).isEqualTo("Mon, 30 Nov 2026 23:05:52 GMT");

    Reply metrics = answer(get(METRICS));
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(headers(metrics)).containsExactlyInAnyOrderElementsOf(withoutRanges("openapi-v3-metrics"));
  }

  @Test
  void theHashUrlMayBeCachedForever() {
    String etag = etag(answer(get(METRICS)));
    Reply hashed = answer(new OpenApi.Request("GET", METRICS, etag, "application/json", null, null, null));

    assertThat(hashed.status()).isEqualTo(200);
    assertThat(hashed.header("Cache-Control")).isEqualTo("public, immutable");
    assertThat(hashed.header("Expires")).isEqualTo("Tue, 30 Nov 2027 23:13:24 UTC");
    // Expires is a year from the request, so its value is the clock's, not metrics-server's.
    Set<String> masked = Set.of("etag", "last-modified", "expires");
    assertThat(MetricsServerCapture.headers(hashed.headers().stream().map(h -> Map.entry(h.name(), h.value())).toList(),
        masked)).containsExactlyInAnyOrderElementsOf(MetricsServerCapture.headers("openapi-v3-metrics-hash", masked)
        .stream().filter(h -> !h.startsWith("accept-ranges: ")).toList());
  }

  @Test
  void aStaleHashRedirectsToTheCurrentOne() {
    String etag = etag(answer(get(METRICS)));
    Reply stale = answer(new OpenApi.Request("GET", METRICS, "ABC", null, null, null, null));

    assertThat(stale.status()).isEqualTo(MetricsServerCapture.status("openapi-v3-metrics-wrong-hash")).isEqualTo(301);
    assertThat(stale.header("Location")).isEqualTo(METRICS + "?hash=" + etag);
    assertThat(stale.body()).isEmpty();
    assertThat(headers(stale)).containsExactlyInAnyOrderElementsOf(
        MetricsServerCapture.headers("openapi-v3-metrics-wrong-hash", OWN));
  }

  @Test
  void aClientHoldingTheDocumentGetsNotModified() {
    String etag = etag(answer(get(METRICS)));
    Reply revalidated = answer(new OpenApi.Request("GET", METRICS, null, null, null, "\"" + etag + "\"", null));
    assertThat(revalidated.status()).isEqualTo(304);
    assertThat(revalidated.body()).isEmpty();
    assertThat(headers(revalidated)).containsExactlyInAnyOrderElementsOf(
        MetricsServerCapture.headers("openapi-v3-metrics-if-none-match", OWN));

    Reply hashed = answer(new OpenApi.Request("GET", METRICS, etag, null, null, "W/\"" + etag + "\", \"other\"", null));
    assertThat(hashed.status()).isEqualTo(304);
    assertThat(hashed.header("Cache-Control")).isEqualTo("public, immutable");

    Reply since = answer(new OpenApi.Request("GET", OpenApi.V2, null, null, null, null, "Mon, 30 Nov 2026 23:59:52 GMT"));
    assertThat(since.status()).isEqualTo(304);
    Reply before = answer(new OpenApi.Request("GET", OpenApi.V2, null, null, null, null, "Mon, 30 Nov 2026 23:05:51 GMT"));
    assertThat(before.status()).isEqualTo(200);
    Reply other = answer(new OpenApi.Request("GET", OpenApi.V2, null, null, null, "\"other\"", null));
    assertThat(other.status()).isEqualTo(200);
  }

  /** Pulse writes JSON only: a client that accepts nothing else is refused, one that lists JSON too gets it. */
  @ParameterizedTest
  @ValueSource(strings = {"application/yaml", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
      "application/com.github.proto-openapi.spec.v3@v1.0+protobuf", "text/plain"})
  void refusesWhatItCannotWrite(String accept) {
    for (String path : List.of(OpenApi.V2, METRICS)) {
      Reply refused = answer(new OpenApi.Request("GET", path, null, accept, null, null, null));
      assertThat(refused.status()).as("%s %s", path, accept).isEqualTo(406);
      assertThat(refused.body()).isEmpty();
      assertThat(headers(refused)).endsWith("vary: Accept", "cache-control: no-cache, private");
    }
    assertThat(answer(new OpenApi.Request("GET", OpenApi.V3, null, accept, null, null, null)).status()).isEqualTo(200);
    assertThat(answer(new OpenApi.Request("GET", METRICS, null, accept + ", application/json;q=0.5", null, null, null))
        .header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void matchesMetricsServersRefusalOfYaml() {
    Reply refused = answer(new OpenApi.Request("GET", OpenApi.V2, null, "application/yaml", null, null, null));
    assertThat(refused.status()).isEqualTo(MetricsServerCapture.status("openapi-v2-yaml"));
    assertThat(headers(refused)).containsExactlyInAnyOrderElementsOf(MetricsServerCapture.headers("openapi-v2-yaml", OWN));
  }

  /** kube-apiserver's downloader takes gzip (Go's transport asks for it): v2 comes compressed, same ETag. */
  @Test
  void gzipsTheV2DocumentForClientsThatTakeIt() throws IOException {
    Reply plain = answer(get(OpenApi.V2));
    Reply gzipped = answer(new OpenApi.Request("GET", OpenApi.V2, null, null, "gzip", null, null));

    assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes()).isEqualTo(plain.body());
    assertThat(gzipped.body().length).isLessThan(plain.body().length / 4);
    assertThat(headers(gzipped)).containsExactlyInAnyOrderElementsOf(withoutRanges("openapi-v2-gzip"));

    for (OpenApi.Request identity : List.of(new OpenApi.Request("GET", OpenApi.V2, null, null, "gzip;q=0", null, null),
        new OpenApi.Request("GET", OpenApi.V2, null, null, "br, deflate", null, null),
        new OpenApi.Request("HEAD", OpenApi.V2, null, null, "gzip", null, null),
        new OpenApi.Request("GET", METRICS, null, null, "gzip", null, null))) {
      assertThat(answer(identity).header("Content-Encoding")).as("%s %s", identity.path(), identity.acceptEncoding())
          .isNull();
    }
  }

  /** kube-openapi's handler returns without writing for a document it does not have: an empty 200. */
  @ParameterizedTest
  @ValueSource(strings = {"/openapi/v3/apis/nope", "/openapi/v3/", "/openapi/v3/apis/metrics.k8s.io/v1beta1/"})
  void anUnknownV3DocumentIsAnEmptyOk(String path) {
    Reply unknown = answer(get(path));
    assertThat(unknown.status()).isEqualTo(MetricsServerCapture.status("openapi-v3-unknown"));
    assertThat(unknown.body()).isEmpty();
    assertThat(headers(unknown)).containsExactlyInAnyOrderElementsOf(MetricsServerCapture.headers("openapi-v3-unknown", OWN));
  }

  @Test
  void servesOnlyKubeOpenapisPaths() {
    assertThat(List.of(OpenApi.V2, OpenApi.V3, OpenApi.V3 + "/", METRICS, "/openapi/v3/anything"))
        .allMatch(OpenApi::serves);
    assertThat(List.of("/openapi/v2/", "/openapi", "/openapi/v3x", "/openapi/v1")).noneMatch(OpenApi::serves);
  }

  /** Pulse offers no byte ranges, so the header that advertises them is not expected of it. */
  private static List<String> withoutRanges(String capture) {
    return MetricsServerCapture.headers(capture, OWN).stream().filter(h -> !h.startsWith("accept-ranges: ")).toList();
  }

  private static byte[] stored(String name) throws IOException {
    try (InputStream in = OpenApi.class.getResourceAsStream("/dev/pulse/metrics/openapi/" + name)) {
      return in.readAllBytes();
    }
  }
}
