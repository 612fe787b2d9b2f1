package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accept negotiation as the Kubernetes API server does it for the representations Pulse has:
 * plain JSON, and the {@code meta.k8s.io} Table that {@code kubectl get} asks for. The first
 * media range Pulse can produce wins; null means 406.
 */
class OutputTest {

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t"})
  void noAcceptHeaderMeansJson(String accept) {
    // The API server serves its default (JSON) when the client states no preference.
    assertThat(Output.negotiate(accept)).isEqualTo(Output.JSON);
  }

  @Test
  void kubectlGetReceivesAV1Table() {
    // The exact header kubectl get sends: v1 Table first, v1beta1 Table, then JSON.
    String kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,"
        + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    assertThat(Output.negotiate(kubectl)).isEqualTo(Output.TABLE_V1);
    assertThat(Output.TABLE_V1.tableApiVersion).isEqualTo("meta.k8s.io/v1");
  }

  @Test
  void olderClientsAskingOnlyForV1beta1TablesGetThem() {
    assertThat(Output.negotiate("application/json;as=Table;v=v1beta1;g=meta.k8s.io"))
        .isEqualTo(Output.TABLE_V1BETA1);
    assertThat(Output.TABLE_V1BETA1.tableApiVersion).isEqualTo("meta.k8s.io/v1beta1");
  }

  @Test
  void parametersMayCarrySpaces() {
    assertThat(Output.negotiate("application/json; as=Table; v=v1; g=meta.k8s.io")).isEqualTo(Output.TABLE_V1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "*/*", "application/*"})
  void jsonAndWildcardsMeanJson(String accept) {
    assertThat(Output.negotiate(accept)).isEqualTo(Output.JSON);
  }

  @Test
  void protobufFirstFallsBackToJson() {
    // kubectl top prefers protobuf (kubernetes PR #96655) and accepts JSON after it.
    assertThat(Output.negotiate("application/vnd.kubernetes.protobuf,application/json")).isEqualTo(Output.JSON);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    // Pulse does not encode protobuf
    "application/vnd.kubernetes.protobuf",
    // nor metadata-only lists
    "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
    // a Table outside meta.k8s.io, or without group/version, is not something the API server has either
    "application/json;as=Table;v=v1;g=example.com",
    "application/json;as=Table",
    "text/plain",
  })
  void unsupportedRepresentationsAreNotAcceptable(String accept) {
    assertThat(Output.negotiate(accept)).isNull();
  }
}
