package dev.pulse.operator.tls;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;

/** The pipeline's own CA: it signs only the aggregator's serving certificate. */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {

  static final String NAME = "pulse-metrics-ca";

  /**
   * A new self-signed CA. Its name carries the issue time, so the old and the new CA in a
   * rotation's bundle are told apart in logs and by {@code openssl}.
   */
  public static CertificateAuthority generate(Instant now, Duration validity) {
    KeyPair keys = X509.newKeyPair();
    X500Name name = new X500Name("CN=" + NAME + "@" + now.getEpochSecond());
    X509v3CertificateBuilder builder =
        X509.builder(name, name, now.minus(X509.BACKDATE), now.plus(validity), keys.getPublic());
    try {
      // pathLen 0: this CA signs leaf certificates only.
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build a CA certificate", e);
    }
    return new CertificateAuthority(X509.sign(builder, keys.getPublic(), keys.getPrivate()), keys.getPrivate());
  }

  public boolean needsRenewal(Instant now, Duration renewBefore) {
    return X509.needsRenewal(certificate, now, renewBefore);
  }

  /** Whether the key signs for the certificate: a Secret edited by hand may pair them wrongly. */
  public boolean isConsistent() {
    return X509.keyMatches(certificate, key);
  }
}
