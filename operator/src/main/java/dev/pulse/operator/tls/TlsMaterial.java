package dev.pulse.operator.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates a pipeline serves with: the current CA, the CAs it replaced that are still
 * trusted, and the serving certificate the current CA signed.
 *
 * @param caChanges what {@link #reconcile} did to the CA and why, one sentence each; empty when
 *     it kept it
 * @param servingChanges the same for the serving certificate
 */
public record TlsMaterial(CertificateAuthority ca, List<X509Certificate> previousCas, ServingCertificate serving,
    List<String> caChanges, List<String> servingChanges) {

  /**
   * Keeps what is stored as long as it is usable, and replaces only what is not: a CA is generated
   * when none can be read and rotated when it is within {@code renewBefore} of expiry; the serving
   * certificate is reissued when it is missing, due for renewal, for other names, or signed by
   * another CA. A rotated CA stays in {@link #caBundle()} until it expires, so kube-apiserver
   * trusts both the pods that still serve the old certificate and those with the new one.
   */
  public static TlsMaterial reconcile(StoredTls stored, TlsPolicy policy, Instant now) {
    List<String> caChanges = new ArrayList<>();
    List<X509Certificate> previous = new ArrayList<>(
        stored.previousCas().stream().filter(ca -> X509.isValidAt(ca, now)).toList());
    CertificateAuthority ca;
    if (stored.ca().isEmpty()) {
      ca = CertificateAuthority.generate(now, policy.caValidity());
      caChanges.add("generated a CA: none was stored");
    } else if (!stored.ca().get().isConsistent()) {
      ca = CertificateAuthority.generate(now, policy.caValidity());
      caChanges.add("generated a CA: the stored key does not belong to the stored CA certificate");
    } else if (stored.ca().get().needsRenewal(now, policy.renewBefore())) {
      X509Certificate old = stored.ca().get().certificate();
      ca = CertificateAuthority.generate(now, policy.caValidity());
      if (X509.isValidAt(old, now)) {
        previous.add(0, old);
      }
      caChanges.add("rotated the CA, which expires " + old.getNotAfter().toInstant()
          + "; it stays trusted until then");
    } else {
      ca = stored.ca().get();
    }

    ServingCertificate serving = stored.serving().orElse(null);
    String reissue = serving == null ? "none was stored"
        : !serving.isConsistent() ? "the stored key does not belong to the stored certificate"
        : !serving.isSignedBy(ca) ? "it was signed by another CA"
        : !serving.dnsNames().equals(policy.dnsNames()) ? "it is for " + serving.dnsNames()
        : serving.needsRenewal(now, policy.renewBefore())
            ? "it expires " + serving.certificate().getNotAfter().toInstant()
        : null;
    List<String> servingChanges = new ArrayList<>();
    if (reissue != null) {
      serving = ServingCertificate.issue(ca, policy.dnsNames(), now, policy.validity());
      servingChanges.add("issued a serving certificate for " + policy.dnsNames() + ": " + reissue);
    }
    return new TlsMaterial(ca, List.copyOf(previous), serving, List.copyOf(caChanges), List.copyOf(servingChanges));
  }

  /** Everything {@link #reconcile} replaced, the CA first. */
  public List<String> changes() {
    List<String> changes = new ArrayList<>(caChanges);
    changes.addAll(servingChanges);
    return changes;
  }

  /**
   * When {@link #reconcile} will next change something: the CA or the serving certificate comes
   * within {@code renewBefore} of expiry, or a rotated CA expires and leaves the bundle.
   */
  public Instant nextChange(Duration renewBefore) {
    Instant next = earlier(ca.certificate().getNotAfter().toInstant(), serving.certificate().getNotAfter().toInstant())
        .minus(renewBefore);
    for (X509Certificate old : previousCas) {
      next = earlier(next, old.getNotAfter().toInstant());
    }
    return next;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** What the APIService's {@code caBundle} holds: the current CA first. */
  public List<X509Certificate> caBundle() {
    List<X509Certificate> bundle = new ArrayList<>();
    bundle.add(ca.certificate());
    bundle.addAll(previousCas);
    return bundle;
  }

  public String caBundlePem() {
    return Pem.encode(caBundle());
  }
}
