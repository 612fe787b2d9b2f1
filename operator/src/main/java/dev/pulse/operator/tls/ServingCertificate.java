package dev.pulse.operator.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/** The aggregator's serving certificate, for the names kube-apiserver dials. */
public record ServingCertificate(X509Certificate certificate, PrivateKey key) {

  /**
   * Signs a certificate for {@code dnsNames}; it never outlives {@code ca}, so renewing the CA in
   * time also renews it in time.
   */
  public static ServingCertificate issue(CertificateAuthority ca, List<String> dnsNames, Instant now,
      Duration validity) {
    KeyPair keys = X509.newKeyPair();
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    Instant notAfter = now.plus(validity).isAfter(caEnd) ? caEnd : now.plus(validity);
    try {
      X509v3CertificateBuilder builder = X509.builder(new JcaX509CertificateHolder(ca.certificate()).getSubject(),
          new X500Name("CN=" + dnsNames.get(0)), now.minus(X509.BACKDATE), notAfter, keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      // ECDSA keys sign the handshake; keyEncipherment applies to RSA key exchange only.
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
          .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new)));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          X509.extensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
      return new ServingCertificate(X509.sign(builder, keys.getPublic(), ca.key()), keys.getPrivate());
    } catch (CertIOException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot build a serving certificate", e);
    }
  }

  public boolean needsRenewal(Instant now, Duration renewBefore) {
    return X509.needsRenewal(certificate, now, renewBefore);
  }

  /** The DNS names of the subject alternative names extension. */
  public List<String> dnsNames() {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      return names == null ? List.of() : names.stream()
          .filter(entry -> Objects.equals(entry.get(0), GeneralName.dNSName))
          .map(entry -> (String) entry.get(1))
          .toList();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /** Whether {@code ca} signed this certificate. */
  public boolean isSignedBy(CertificateAuthority ca) {
    try {
      certificate.verify(ca.certificate().getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether the key signs for the certificate: a Secret edited by hand may pair them wrongly. */
  public boolean isConsistent() {
    return X509.keyMatches(certificate, key);
  }

  /** SHA-256 of the certificate (hex): changes exactly when the certificate does. */
  public String sha256() {
    return X509.sha256(certificate);
  }
}
