package dev.pulse.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.tls.CertificateAuthority;
import dev.pulse.operator.tls.Pem;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AggregationLayerTest {

  static final String FRONT_PROXY_CA = ca();
  static final String CLIENT_CA = ca();

  /** The ConfigMap's data as kube-apiserver writes it, list values in JSON. */
  static Map<String, String> authentication(String requestHeaderCa, String clientCa) {
    return Map.of(
        "client-ca-file", clientCa,
        "requestheader-client-ca-file", requestHeaderCa,
        "requestheader-allowed-names", "[\"front-proxy-client\"]",
        "requestheader-username-headers", "[\"X-Remote-User\"]",
        "requestheader-group-headers", "[\"X-Remote-Group\"]",
        "requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]");
  }

  @Test
  void aFrontProxyWithACaOfItsOwnIsConfigured() {
    AggregationLayer.Verdict verdict = AggregationLayer.verdict(Optional.of(authentication(FRONT_PROXY_CA, CLIENT_CA)));
    assertThat(verdict.status()).isEqualTo("True");
    assertThat(verdict.reason()).isEqualTo("RequestHeaderCAConfigured");
    assertThat(verdict.message()).contains("a CA of its own", "as front-proxy-client");
    assertThat(verdict.blocksMetrics()).isFalse();
  }

  @Test
  void noRequestHeaderCaMeansTheAggregationLayerIsOffAndNamesTheFlags() {
    AggregationLayer.Verdict verdict = AggregationLayer.verdict(Optional.of(Map.of("client-ca-file", CLIENT_CA)));
    assertThat(verdict.status()).isEqualTo("False");
    assertThat(verdict.reason()).isEqualTo("RequestHeaderCAMissing");
    assertThat(verdict.message()).contains("kube-system/extension-apiserver-authentication", "not enabled",
        "--requestheader-client-ca-file", "--requestheader-allowed-names", "--requestheader-username-headers",
        "--requestheader-group-headers", "--requestheader-extra-headers-prefix", "--proxy-client-cert-file",
        "--proxy-client-key-file", "--enable-aggregator-routing");
    assertThat(verdict.blocksMetrics()).isTrue();
    assertThat(AggregationLayer.verdict(Optional.of(Map.of())).reason()).as("an empty ConfigMap")
        .isEqualTo("RequestHeaderCAMissing");
  }

  @Test
  void theClientCaAsRequestHeaderCaIsCalledDangerousAndSaysWhy() {
    AggregationLayer.Verdict verdict = AggregationLayer.verdict(Optional.of(authentication(CLIENT_CA, CLIENT_CA)));
    assertThat(verdict.status()).isEqualTo("False");
    assertThat(verdict.reason()).isEqualTo("RequestHeaderCAIsClientCA");
    assertThat(verdict.message()).contains("also the client CA", "X-Remote-User", "as anyone", "system:masters",
        "(front-proxy-client)", "front-proxy-ca");
    assertThat(verdict.blocksMetrics()).as("kubectl top still works").isFalse();

    Map<String, String> noNames = new HashMap<>(authentication(FRONT_PROXY_CA + CLIENT_CA, CLIENT_CA));
    noNames.remove("requestheader-allowed-names");
    assertThat(AggregationLayer.verdict(Optional.of(noNames)).message()).as("a bundle that includes the client CA")
        .contains("--requestheader-allowed-names is empty");
  }

  @Test
  void anUnreadableRequestHeaderCaSaysSoWithoutQuotingIt() {
    AggregationLayer.Verdict verdict = AggregationLayer.verdict(Optional.of(authentication(
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", CLIENT_CA)));
    assertThat(verdict.reason()).isEqualTo("RequestHeaderCAUnreadable");
    assertThat(verdict.message()).doesNotContain("bm90IGEgY2VydGlmaWNhdGU");
    assertThat(verdict.blocksMetrics()).isTrue();
  }

  @Test
  void aConfigMapNotSeenIsUnknown() {
    AggregationLayer.Verdict verdict = AggregationLayer.verdict(Optional.empty());
    assertThat(verdict.status()).isEqualTo("Unknown");
    assertThat(verdict.reason()).isEqualTo("NotObserved");
    assertThat(verdict.blocksMetrics()).isFalse();
  }

  @Test
  void discoveryFailuresAreToldApartByKubeApiserversMessage() {
    String prefix = "failing or missing response from https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1: ";
    assertThat(DiscoveryFailure.of(prefix + "Get \"https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1\": x509:"
        + " certificate signed by unknown authority")).isEqualTo(DiscoveryFailure.UNTRUSTED_CERTIFICATE);
    assertThat(DiscoveryFailure.of(prefix + "Get \"https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1\": tls: failed"
        + " to verify certificate: x509: certificate is valid for a.svc, not b.svc"))
        .isEqualTo(DiscoveryFailure.UNTRUSTED_CERTIFICATE);
    assertThat(DiscoveryFailure.of(prefix + "Get \"https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1\": dial tcp"
        + " 10.96.0.12:443: connect: connection refused")).isEqualTo(DiscoveryFailure.CONNECTION_REFUSED);
    assertThat(DiscoveryFailure.of(prefix + "Get \"https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1\": context"
        + " deadline exceeded (Client.Timeout exceeded while awaiting headers)")).isEqualTo(DiscoveryFailure.UNREACHABLE);
    assertThat(DiscoveryFailure.of(prefix + "bad status from https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1: 401"))
        .isEqualTo(DiscoveryFailure.UNAUTHORIZED);
    assertThat(DiscoveryFailure.of(prefix + "bad status from https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1: 403"))
        .isEqualTo(DiscoveryFailure.FORBIDDEN);
    assertThat(DiscoveryFailure.of(null)).isEqualTo(DiscoveryFailure.OTHER);
  }

  private static String ca() {
    return Pem.encode(CertificateAuthority.generate(Instant.now(), Duration.ofDays(1)).certificate());
  }
}
