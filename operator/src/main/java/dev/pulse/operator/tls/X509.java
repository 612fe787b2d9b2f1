package dev.pulse.operator.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** What the CA and the serving certificate share: keys, validity windows, signing, fingerprints. */
final class X509 {

  /**
   * Certificates start this much before "now": a node whose clock is slightly behind the
   * operator's must not see a certificate that is not yet valid.
   */
  static final Duration BACKDATE = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private X509() {}

  /** P-256: small, fast to generate, and accepted by Go's and Java's TLS stacks. */
  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
    }
  }

  static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, Instant notBefore,
      Instant notAfter, PublicKey key) {
    // 127 random bits: unique and positive, as RFC 5280 asks.
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM), Date.from(notBefore),
        Date.from(notAfter), subject, key);
  }

  /** Adds the subject key identifier, which lets verifiers tell an old CA from its successor. */
  static X509Certificate sign(X509v3CertificateBuilder builder, PublicKey subjectKey, PrivateKey issuerKey) {
    try {
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensionUtils().createSubjectKeyIdentifier(subjectKey));
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (CertificateException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot sign a certificate", e);
    }
  }

  static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-1 for key identifiers", e);
    }
  }

  /** True once {@code now} is within {@code renewBefore} of the end of validity, or past it. */
  static boolean needsRenewal(X509Certificate certificate, Instant now, Duration renewBefore) {
    return !now.plus(renewBefore).isBefore(certificate.getNotAfter().toInstant());
  }

  static boolean isValidAt(X509Certificate certificate, Instant now) {
    return !now.isBefore(certificate.getNotBefore().toInstant()) && now.isBefore(certificate.getNotAfter().toInstant());
  }

  /** Whether {@code key} is the private half of {@code certificate}'s public key. */
  static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
    try {
      byte[] probe = certificate.getEncoded();
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(probe);
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signer.sign());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String sha256(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash a certificate", e);
    }
  }
}
