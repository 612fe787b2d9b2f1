package dev.pulse.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What is kept, what is replaced, and what the APIService trusts meanwhile. */
class TlsMaterialTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final List<String> NAMES =
      List.of("pulse-metrics.pulse-system.svc", "pulse-metrics.pulse-system.svc.cluster.local");
  private static final TlsPolicy POLICY =
      new TlsPolicy(NAMES, Duration.ofDays(365), Duration.ofDays(1825), Duration.ofDays(30));

  @Test
  void firstReconcileCreatesBoth() {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    assertThat(tls.serving().isSignedBy(tls.ca())).isTrue();
    assertThat(tls.serving().dnsNames()).isEqualTo(NAMES);
    assertThat(tls.previousCas()).isEmpty();
    assertThat(tls.caBundle()).containsExactly(tls.ca().certificate());
    assertThat(tls.changes()).hasSize(2);
  }

  @Test
  void aValidCaIsKeptAcrossReconciles() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    for (int days : new int[] {1, 100, 334, 1000, 1794}) {
      TlsMaterial later = TlsMaterial.reconcile(stored(first), POLICY, NOW.plus(Duration.ofDays(days)));
      assertThat(later.ca()).as("day %d", days).isEqualTo(first.ca());
    }
  }

  @Test
  void aValidServingCertificateIsKept() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    TlsMaterial later = TlsMaterial.reconcile(stored(first), POLICY, NOW.plus(Duration.ofDays(300)));
    assertThat(later.serving()).isEqualTo(first.serving());
    assertThat(later.changes()).isEmpty();
  }

  @Test
  void theServingCertificateIsRenewedWithinRenewBefore() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    Instant due = NOW.plus(Duration.ofDays(340));
    TlsMaterial renewed = TlsMaterial.reconcile(stored(first), POLICY, due);
    assertThat(renewed.ca()).isEqualTo(first.ca());
    assertThat(renewed.serving()).isNotEqualTo(first.serving());
    assertThat(renewed.serving().certificate().getNotAfter().toInstant()).isEqualTo(due.plus(Duration.ofDays(365)));
    assertThat(renewed.serving().sha256()).isNotEqualTo(first.serving().sha256());
    assertThat(renewed.changes()).singleElement().asString().contains("serving certificate", "expires");
  }

  @Test
  void theServingCertificateIsReissuedForNewNamesOrAnotherCa() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    TlsPolicy moved = new TlsPolicy(List.of("pulse-metrics.other.svc", "pulse-metrics.other.svc.cluster.local"),
        POLICY.validity(), POLICY.caValidity(), POLICY.renewBefore());
    assertThat(TlsMaterial.reconcile(stored(first), moved, NOW).serving().dnsNames())
        .containsExactly("pulse-metrics.other.svc", "pulse-metrics.other.svc.cluster.local");

    TlsMaterial foreign = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    StoredTls mixed = new StoredTls(Optional.of(first.ca()), List.of(), Optional.of(foreign.serving()));
    TlsMaterial fixed = TlsMaterial.reconcile(mixed, POLICY, NOW);
    assertThat(fixed.ca()).isEqualTo(first.ca());
    assertThat(fixed.serving().isSignedBy(first.ca())).isTrue();
  }

  @Test
  void aMismatchedKeyIsNotTrusted() {
    TlsMaterial a = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    TlsMaterial b = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    var broken = new CertificateAuthority(a.ca().certificate(), b.ca().key());
    TlsMaterial fixed = TlsMaterial.reconcile(
        new StoredTls(Optional.of(broken), List.of(), Optional.of(a.serving())), POLICY, NOW);
    assertThat(fixed.ca().certificate()).isNotEqualTo(a.ca().certificate());
    assertThat(fixed.ca().isConsistent()).isTrue();
    assertThat(fixed.serving().isSignedBy(fixed.ca())).isTrue();
  }

  @Test
  void aCaNearExpiryIsRotatedAndTheOldOneStaysTrustedUntilItExpires() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    Instant oldCaEnd = first.ca().certificate().getNotAfter().toInstant();
    Instant rotation = oldCaEnd.minus(Duration.ofDays(20));

    TlsMaterial rotated = TlsMaterial.reconcile(stored(first), POLICY, rotation);
    assertThat(rotated.ca()).isNotEqualTo(first.ca());
    assertThat(rotated.serving().isSignedBy(rotated.ca())).isTrue();
    // New CA first; pods still serving the old certificate are trusted through the old CA.
    assertThat(rotated.caBundle()).containsExactly(rotated.ca().certificate(), first.ca().certificate());
    assertThat(rotated.changes()).anySatisfy(c -> assertThat(c).contains("rotated the CA"));

    TlsMaterial stillRotating = TlsMaterial.reconcile(stored(rotated), POLICY, rotation.plus(Duration.ofDays(1)));
    assertThat(stillRotating.caBundle()).containsExactly(rotated.ca().certificate(), first.ca().certificate());
    assertThat(stillRotating.changes()).isEmpty();

    TlsMaterial afterOldExpiry = TlsMaterial.reconcile(stored(rotated), POLICY, oldCaEnd.plusSeconds(1));
    assertThat(afterOldExpiry.caBundle()).containsExactly(rotated.ca().certificate());
    assertThat(afterOldExpiry.ca()).isEqualTo(rotated.ca());
  }

  @Test
  void nextChangeIsWhenReconcileWouldFirstReplaceSomething() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    Instant next = first.nextChange(POLICY.renewBefore());

    // The serving certificate (365 days) comes due 30 days before its end, long before the CA.
    assertThat(next).isEqualTo(NOW.plus(Duration.ofDays(335)));
    assertThat(TlsMaterial.reconcile(stored(first), POLICY, next.minusSeconds(1)).changes()).isEmpty();
    assertThat(TlsMaterial.reconcile(stored(first), POLICY, next.plusSeconds(1)).changes()).isNotEmpty();
  }

  @Test
  void duringACaRotationTheOldCaLeavingTheBundleIsTheNextChange() {
    TlsMaterial first = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, NOW);
    Instant oldCaEnd = first.ca().certificate().getNotAfter().toInstant();
    TlsMaterial rotated = TlsMaterial.reconcile(stored(first), POLICY, oldCaEnd.minus(Duration.ofDays(20)));

    assertThat(rotated.nextChange(POLICY.renewBefore())).isEqualTo(oldCaEnd);
  }

  private static StoredTls stored(TlsMaterial tls) {
    return new StoredTls(Optional.of(tls.ca()), tls.previousCas(), Optional.of(tls.serving()));
  }
}
