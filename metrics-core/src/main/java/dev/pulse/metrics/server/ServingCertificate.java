package dev.pulse.metrics.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The serving certificate and key as PEM text: read from the configured files, or generated
 * self-signed for standalone runs where nothing verifies Pulse anyway. Equal when the PEM text is
 * equal, which is how a rotation is noticed.
 */
public record ServingCertificate(String certPem, String keyPem) {

  public static ServingCertificate read(Path cert, Path key) throws IOException {
    return new ServingCertificate(Files.readString(cert), Files.readString(key));
  }

  /**
   * Why this pair cannot serve, or null: the certificate must parse and the key must be its
   * private half, as Go's {@code tls.X509KeyPair} demands. A rotation that has replaced one file
   * but not yet the other fails this.
   */
  public String problem() {
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)));
      PrivateKey key;
      try (PEMParser parser = new PEMParser(new StringReader(keyPem))) {
        Object parsed = parser.readObject();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (parsed instanceof PEMKeyPair pair) {
          key = converter.getPrivateKey(pair.getPrivateKeyInfo());
        } else if (parsed instanceof PrivateKeyInfo info) {
          key = converter.getPrivateKey(info);
        } else {
          return "no unencrypted private key in the key file";
        }
      }
      String algorithm = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC", "ECDSA" -> "SHA256withECDSA";
        case "Ed25519", "EdDSA" -> "Ed25519";
        default -> null;
      };
      if (algorithm == null) {
        return null; // a key type this check does not know: the TLS stack judges it
      }
      byte[] probe = certPem.getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signer.sign()) ? null : "the private key does not belong to the certificate";
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      return e.toString();
    }
  }

  /** A throw-away self-signed certificate for localhost, valid one year. */
  public static ServingCertificate selfSigned() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=localhost@" + Instant.now().getEpochSecond());
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(365))), subject,
          pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      X509CertificateHolder cert = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      // PKCS#8: written as SEC1 ("EC PRIVATE KEY"), a JDK key loses its curve and Vert.x cannot load it.
      return new ServingCertificate(pem(cert), pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate a self-signed serving certificate", e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
