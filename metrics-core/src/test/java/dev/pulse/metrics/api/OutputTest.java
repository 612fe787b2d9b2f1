package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.metrics.api.representation.MediaType;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accept negotiation as metrics-server v0.8.0 answered each header (the captures in
 * src/test/resources/metrics-server-representations, and a few taken by hand against the same
 * server, marked "live"). null means 406.
 */
class OutputTest {

  private static final Output TABLE_V1 = new Output(MediaType.JSON, Output.Conversion.TABLE, "v1");
  private static final Output TABLE_V1BETA1 = new Output(MediaType.JSON, Output.Conversion.TABLE, "v1beta1");
  private static final Output YAML_TABLE_V1 = new Output(MediaType.YAML, Output.Conversion.TABLE, "v1");

  static Stream<Arguments> resourceAnswers() {
    String kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,"
        + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    return Stream.of(
        Arguments.of("application/json", Output.JSON),
        Arguments.of("application/vnd.kubernetes.protobuf", Output.PROTOBUF),
        Arguments.of("application/yaml", Output.YAML),
        Arguments.of("*/*", Output.JSON),
        Arguments.of("text/plain", null),
        // kubectl get: a v1 Table first
        Arguments.of(kubectl, TABLE_V1),
        Arguments.of("application/json;as=Table;v=v1beta1;g=meta.k8s.io", TABLE_V1BETA1),
        Arguments.of("application/json; as=Table; v=v1; g=meta.k8s.io", TABLE_V1),
        // a Table in protobuf is refused, not replaced by the plain object
        Arguments.of("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io", null),
        // live: a Table in YAML is served
        Arguments.of("application/yaml;as=Table;v=v1;g=meta.k8s.io", YAML_TABLE_V1),
        // kubectl top and client-go's protobuf clients: protobuf first, JSON after
        Arguments.of("application/vnd.kubernetes.protobuf,application/json", Output.PROTOBUF),
        Arguments.of("application/vnd.kubernetes.protobuf;q=0.5,application/json", Output.JSON),
        // live: q=0 does not refuse a type, it only sorts last
        Arguments.of("application/vnd.kubernetes.protobuf;q=0", Output.PROTOBUF),
        // live: q sorts before order
        Arguments.of("application/json;q=0.5,application/yaml", Output.YAML),
        Arguments.of("*/*;q=0.1,application/yaml;q=0.5", Output.YAML),
        // live: a q that is not a number counts as 0
        Arguments.of("application/json;q=abc,application/yaml", Output.YAML),
        // live: application/* alone fails go-restful's route check, though negotiation would take it
        Arguments.of("application/*", null),
        Arguments.of("application/*,application/yaml", Output.YAML),
        // discovery's conversion parameters on a resource: refused, the next clause wins
        Arguments.of("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", Output.JSON),
        Arguments.of("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json", Output.JSON),
        // live: metadata alone, in any representation, v1 or v1beta1 (a controller's metadata informer)
        Arguments.of("application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
            + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
            new Output(MediaType.PROTOBUF, Output.Conversion.PARTIAL_OBJECT_METADATA_LIST, "v1")),
        Arguments.of("application/yaml;as=PartialObjectMetadata;v=v1beta1;g=meta.k8s.io",
            new Output(MediaType.YAML, Output.Conversion.PARTIAL_OBJECT_METADATA, "v1beta1")),
        Arguments.of("application/json;as=PartialObjectMetadata;v=v2;g=meta.k8s.io", null),
        // a Table outside meta.k8s.io, or without its group and version
        Arguments.of("application/json;as=Table;v=v1;g=example.com", null),
        Arguments.of("application/json;as=Table", null),
        // YAML has no watch stream
        Arguments.of("application/yaml;stream=watch", null),
        Arguments.of("application/json;stream=watch", Output.JSON));
  }

  @ParameterizedTest
  @MethodSource("resourceAnswers")
  void answersAsMetricsServerDoes(String accept, Output expected) {
    assertThat(Output.negotiate(accept)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t"})
  void noAcceptHeaderMeansJson(String accept) {
    // Go's HTTP server trims the header; an empty one states no preference.
    assertThat(Output.negotiate(accept)).isEqualTo(Output.JSON);
    assertThat(Output.forError(accept)).isEqualTo(MediaType.JSON);
  }

  static Stream<Arguments> errorAnswers() {
    return Stream.of(
        Arguments.of("application/vnd.kubernetes.protobuf", MediaType.PROTOBUF),
        Arguments.of("application/yaml", MediaType.YAML),
        Arguments.of("application/vnd.kubernetes.protobuf,application/json", MediaType.PROTOBUF),
        // errors are never converted: a Table-only client gets JSON
        Arguments.of("application/json;as=Table;v=v1;g=meta.k8s.io", MediaType.JSON),
        Arguments.of("application/yaml;as=Table;v=v1;g=meta.k8s.io", MediaType.JSON),
        Arguments.of("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json", MediaType.JSON),
        Arguments.of("text/plain", MediaType.JSON),
        Arguments.of("application/*", MediaType.JSON));
  }

  @ParameterizedTest
  @MethodSource("errorAnswers")
  void errorsAreEncodedAsMetricsServerEncodesThem(String accept, MediaType expected) {
    assertThat(Output.forError(accept)).isEqualTo(expected);
  }

  @ParameterizedTest
  // live: media types compare case-sensitively, and a range is its whole text before any ';'
  @ValueSource(strings = {"text/plain", "application/*", "Application/JSON", "application/json/x"})
  void theRouteCheckNamesWhatTheRouteProduces(String accept) {
    assertThat(Output.unavailable(accept, false))
        .isEqualTo("application/json, application/yaml, application/vnd.kubernetes.protobuf");
    assertThat(Output.unavailable(accept, true)).isEqualTo("application/json, application/yaml, "
        + "application/vnd.kubernetes.protobuf, application/json;stream=watch, "
        + "application/vnd.kubernetes.protobuf;stream=watch");
  }
}
