package dev.pulse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.testing.Pipelines;
import dev.pulse.operator.tls.Pem;
import dev.pulse.operator.tls.StoredTls;
import dev.pulse.operator.tls.TlsMaterial;
import dev.pulse.operator.tls.TlsPolicy;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The CA and serving Secrets: what is written reads back, so nothing is regenerated. */
class CertificateSecretsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final MetricsPipeline pipeline = Pipelines.pipeline();
  private final TlsPolicy policy = TlsPolicy.of(pipeline);

  @Test
  void whatIsWrittenReadsBackAndIsKept() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, policy, NOW);
    Secret ca = CaSecretDependentResource.desired(pipeline, first);
    Secret serving = ServingSecretDependentResource.desired(pipeline, first);

    TlsMaterial second = TlsMaterial.reconcile(stored(ca, serving), policy, NOW.plus(Duration.ofDays(10)));

    assertThat(second.changes()).isEmpty();
    assertThat(CaSecretDependentResource.desired(pipeline, second)).isEqualTo(ca);
    assertThat(ServingSecretDependentResource.desired(pipeline, second)).isEqualTo(serving);
  }

  @Test
  void theServingSecretIsATlsSecretWithTheBundle() {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, policy, NOW);
    Secret serving = ServingSecretDependentResource.desired(pipeline, tls);
    assertThat(serving.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(serving.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    assertThat(Pem.certificates(text(serving, "ca.crt"))).containsExactly(tls.ca().certificate());
    assertThat(text(serving, "tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void theCaSecretKeepsRotatedCas() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, policy, NOW);
    Instant nearExpiry = first.ca().certificate().getNotAfter().toInstant().minus(Duration.ofDays(1));
    TlsMaterial rotated = TlsMaterial.reconcile(stored(CaSecretDependentResource.desired(pipeline, first),
        ServingSecretDependentResource.desired(pipeline, first)), policy, nearExpiry);

    Secret ca = CaSecretDependentResource.desired(pipeline, rotated);
    assertThat(CaSecretDependentResource.readPreviousCas(ca)).containsExactly(first.ca().certificate());
    assertThat(CaSecretDependentResource.readCa(ca).orElseThrow().certificate()).isEqualTo(rotated.ca().certificate());
  }

  @Test
  void unreadableSecretsReadAsEmpty() {
    Secret garbage = new SecretBuilder()
        .addToData("ca.crt", Base64.getEncoder().encodeToString("not pem".getBytes(StandardCharsets.UTF_8)))
        .addToData("ca.key", "%%% not base64")
        .addToData("tls.crt", Base64.getEncoder().encodeToString("not pem".getBytes(StandardCharsets.UTF_8)))
        .addToData("previous-ca.crt", Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)))
        .build();
    assertThat(CaSecretDependentResource.readCa(garbage)).isEmpty();
    assertThat(CaSecretDependentResource.readPreviousCas(garbage)).isEmpty();
    assertThat(ServingSecretDependentResource.read(garbage)).isEmpty();
    assertThat(ServingSecretDependentResource.read(new Secret())).isEmpty();
  }

  private static StoredTls stored(Secret ca, Secret serving) {
    return new StoredTls(CaSecretDependentResource.readCa(ca), CaSecretDependentResource.readPreviousCas(ca),
        ServingSecretDependentResource.read(serving));
  }

  private static String text(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
