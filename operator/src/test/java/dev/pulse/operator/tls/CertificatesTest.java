package dev.pulse.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CA and the serving certificate as a TLS client sees them. */
class CertificatesTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final List<String> NAMES =
      List.of("pulse-metrics.pulse-system.svc", "pulse-metrics.pulse-system.svc.cluster.local");

  @Test
  void theCaIsAConstrainedCa() {
    CertificateAuthority ca = CertificateAuthority.generate(NOW, Duration.ofDays(1825));
    X509Certificate certificate = ca.certificate();
    assertThat(certificate.getBasicConstraints()).isZero(); // a CA, path length 0
    assertThat(certificate.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
    boolean[] usage = certificate.getKeyUsage();
    assertThat(usage[5]).as("keyCertSign").isTrue();
    assertThat(usage[6]).as("cRLSign").isTrue();
    assertThat(usage[0]).as("digitalSignature").isFalse();
    assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=pulse-metrics-ca@" + NOW.getEpochSecond());
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(1825)));
    assertThat(certificate.getNotBefore().toInstant()).isBefore(NOW);
    assertThat(ca.isConsistent()).isTrue();
  }

  @Test
  void theServingCertificateIsALeafForTheServiceNames() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate(NOW, Duration.ofDays(1825));
    ServingCertificate serving = ServingCertificate.issue(ca, NAMES, NOW, Duration.ofDays(365));
    X509Certificate certificate = serving.certificate();

    assertThat(serving.dnsNames()).containsExactlyElementsOf(NAMES);
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1); // not a CA
    assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(certificate.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(certificate.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    assertThat(certificate.getNotBefore().toInstant()).isBefore(NOW);
    certificate.verify(ca.certificate().getPublicKey());
    assertThat(serving.isSignedBy(ca)).isTrue();
    assertThat(serving.isSignedBy(CertificateAuthority.generate(NOW, Duration.ofDays(1)))).isFalse();
    assertThat(serving.isConsistent()).isTrue();
  }

  @Test
  void theServingCertificateNeverOutlivesItsCa() {
    CertificateAuthority ca = CertificateAuthority.generate(NOW, Duration.ofDays(100));
    ServingCertificate serving = ServingCertificate.issue(ca, NAMES, NOW, Duration.ofDays(365));
    assertThat(serving.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void renewalIsDueWithinRenewBeforeOfExpiry() {
    CertificateAuthority ca = CertificateAuthority.generate(NOW, Duration.ofDays(1825));
    ServingCertificate serving = ServingCertificate.issue(ca, NAMES, NOW, Duration.ofDays(365));
    Duration renewBefore = Duration.ofDays(30);
    assertThat(serving.needsRenewal(NOW, renewBefore)).isFalse();
    assertThat(serving.needsRenewal(NOW.plus(Duration.ofDays(334)), renewBefore)).isFalse();
    assertThat(serving.needsRenewal(NOW.plus(Duration.ofDays(335)), renewBefore)).isTrue();
    assertThat(serving.needsRenewal(NOW.plus(Duration.ofDays(400)), renewBefore)).isTrue();
    assertThat(ca.needsRenewal(NOW.plus(Duration.ofDays(1794)), renewBefore)).isFalse();
    assertThat(ca.needsRenewal(NOW.plus(Duration.ofDays(1795)), renewBefore)).isTrue();
  }

  @Test
  void pemRoundTrips() {
    CertificateAuthority ca = CertificateAuthority.generate(NOW, Duration.ofDays(10));
    assertThat(Pem.certificates(Pem.encode(ca.certificate()))).containsExactly(ca.certificate());
    assertThat(Pem.privateKey(Pem.encode(ca.key()))).isEqualTo(ca.key());
  }

  /** The contract with metrics-core: the aggregator loads what the operator writes. */
  @Test
  void theAggregatorAcceptsTheCertificateAndKey() {
    CertificateAuthority ca = CertificateAuthority.generate(NOW, Duration.ofDays(1825));
    ServingCertificate serving = ServingCertificate.issue(ca, NAMES, NOW, Duration.ofDays(365));
    // Same simple name as ours: metrics-core's is named in full.
    var loaded = new dev.pulse.metrics.server.ServingCertificate(
        Pem.encode(serving.certificate()), Pem.encode(serving.key()));
    assertThat(loaded.problem()).isNull();
  }
}
