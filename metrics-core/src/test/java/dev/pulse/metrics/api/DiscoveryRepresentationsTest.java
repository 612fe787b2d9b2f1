package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.representation.MediaType;
import dev.pulse.metrics.api.representation.ProtobufEncoding;
import dev.pulse.metrics.api.representation.YamlEncoding;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.api.types.Status;
import dev.pulse.metrics.storage.MetricsStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The discovery documents in every representation a client may ask for, as metrics-server v0.8.0
 * answers them (captures in {@code metrics-server-representations/}), and its 406 for the others.
 */
class DiscoveryRepresentationsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TYPES = "application/json, application/yaml, application/vnd.kubernetes.protobuf";
  private final MetricsApi api = new MetricsApi(new MetricsApiTest.FakeCluster(), new MetricsStore(15_000, 0),
      LabelSelector.everything(), Clock.systemUTC(), age -> { });

  @ParameterizedTest
  @CsvSource({"/apis/metrics.k8s.io, group", "/apis/metrics.k8s.io/v1beta1, resources"})
  void protobufJsonAndYamlAreMetricsServersBytes(String path, String fixture) throws IOException {
    ApiRequest request = ApiRequest.parse(path, Map.of()).orElseThrow();

    MetricsApi.Response protobuf = api.serve(request, "application/vnd.kubernetes.protobuf");
    assertThat(protobuf.mediaType()).isEqualTo(MediaType.PROTOBUF);
    assertThat(ProtobufEncoding.encode(protobuf.body())).isEqualTo(fixture(fixture + ".pb"));
    MetricsApi.Response yaml = api.serve(request, "application/yaml");
    assertThat(new String(YamlEncoding.encode(JSON.valueToTree(yaml.body())), StandardCharsets.UTF_8))
        .isEqualTo(new String(fixture(fixture + ".yaml"), StandardCharsets.UTF_8));
    MetricsApi.Response json = api.serve(request, "application/vnd.kubernetes.protobuf;q=0.5,application/json");
    assertThat(json.mediaType()).isEqualTo(MediaType.JSON);
    assertThat((JsonNode) JSON.valueToTree(json.body())).isEqualTo(JSON.readTree(fixture(fixture + ".json")));
  }

  @Test
  void whatADiscoveryDocumentIsNotIsRefusedAsMetricsServerRefusesIt() {
    for (String path : new String[] {"/apis", "/apis/metrics.k8s.io", "/apis/metrics.k8s.io/v1beta1"}) {
      ApiRequest request = ApiRequest.parse(path, Map.of()).orElseThrow();
      // A type the route produces, as a Table: negotiation refuses it.
      assertThat(message(api.serve(request, "application/json;as=Table;v=v1;g=meta.k8s.io"))).as(path)
          .isEqualTo("only the following media types are accepted: " + TYPES);
      // A type the route does not produce: go-restful's route check refuses it first.
      assertThat(message(api.serve(request, "text/plain"))).as(path)
          .isEqualTo("406: Not Acceptable\n\nAvailable representations: " + TYPES);
    }
  }

  private static String message(MetricsApi.Response response) {
    assertThat(response.status()).isEqualTo(406);
    return ((Status) response.body()).message();
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = DiscoveryRepresentationsTest.class.getResourceAsStream("/metrics-server-representations/"
        + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
