package dev.pulse.metrics.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An in-memory PKI for tests: CAs, and the server and client certificates they sign, as PEM text
 * (and as JSSE objects for test clients). P-256 keys keep generation fast; keys are written as
 * PKCS#8 ({@code PRIVATE KEY}), which every TLS stack here reads. Valid from an hour ago for a day.
 */
public final class TestPki {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestPki() {}

  /** A certificate and its private key. */
  public record Issued(X509Certificate certificate, PrivateKey privateKey, String certPem, String keyPem) {

    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /**
     * Writes {@code dir/<name>.crt} and {@code dir/<name>.key}, each replaced in one step (never
     * half a file), and returns {cert, key}. The pair is not replaced at once: between the two
     * writes a reader sees one new and one old file, as with any two-file rotation.
     */
    public Path[] writeTo(Path dir, String name) {
      Path cert = dir.resolve(name + ".crt");
      Path key = dir.resolve(name + ".key");
      writeAtomically(key, keyPem);
      writeAtomically(cert, certPem);
      return new Path[] {cert, key};
    }
  }

  /** A certificate authority. */
  public static final class Ca {
    private final X500Name name;
    private final Issued self;

    private Ca(String commonName) {
      KeyPair keys = newKeyPair();
      this.name = new X500Name("CN=" + commonName);
      this.self = sign(name, keys.getPrivate(), name, keys, List.of(
          new Ext(Extension.basicConstraints, true, new BasicConstraints(true)),
          new Ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))),
          Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)));
    }

    public String certPem() {
      return self.certPem();
    }

    public X509Certificate certificate() {
      return self.certificate();
    }

    /** Writes the CA certificate to {@code dir/<name>.crt}. */
    public Path writeCertTo(Path dir, String fileName) {
      Path file = dir.resolve(fileName + ".crt");
      writeAtomically(file, certPem());
      return file;
    }

    /** A serving certificate; a SAN that is an IP address literal becomes an IP SAN, any other a DNS SAN. */
    public Issued issueServer(String commonName, String... sans) {
      return issueServer(Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), commonName,
          sans);
    }

    /** As {@link #issueServer(String, String...)}, valid from {@code notBefore} to {@code notAfter}. */
    public Issued issueServer(Instant notBefore, Instant notAfter, String commonName, String... sans) {
      List<GeneralName> names = new ArrayList<>();
      for (String san : sans) {
        names.add(isIpLiteral(san) ? new GeneralName(GeneralName.iPAddress, san) : new GeneralName(GeneralName.dNSName, san));
      }
      return issue(new X500Name("CN=" + commonName), KeyPurposeId.id_kp_serverAuth,
          new Ext(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new))),
          notBefore, notAfter);
    }

    /** A client certificate: Kubernetes takes the CN as the user name and each O as a group. */
    public Issued issueClient(String commonName, String... organizations) {
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
      for (String o : organizations) {
        subject.addRDN(BCStyle.O, o);
      }
      subject.addRDN(BCStyle.CN, commonName);
      return issue(subject.build(), KeyPurposeId.id_kp_clientAuth, null, Instant.now().minus(Duration.ofHours(1)),
          Instant.now().plus(Duration.ofDays(1)));
    }

    /** A client-side SSL context that trusts exactly this CA and presents no certificate. */
    public SSLContext trustingContext() {
      return trustingContext(null);
    }

    /** A client-side SSL context that trusts exactly this CA and presents {@code identity} when asked. */
    public SSLContext trustingContext(Issued identity) {
      return TestPki.trustingContext(certificate(), identity);
    }

    private Issued issue(X500Name subject, KeyPurposeId purpose, Ext extra, Instant notBefore, Instant notAfter) {
      KeyPair leaf = newKeyPair();
      List<Ext> extensions = new ArrayList<>(List.of(
          new Ext(Extension.basicConstraints, true, new BasicConstraints(false)),
          new Ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature)),
          new Ext(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))));
      if (extra != null) {
        extensions.add(extra);
      }
      return sign(name, self.privateKey(), subject, leaf, extensions, notBefore, notAfter);
    }
  }

  /**
   * A client-side SSL context that trusts exactly {@code anchor} (a CA, or a self-signed
   * certificate) and presents {@code identity}, if not null, when asked.
   */
  public static SSLContext trustingContext(X509Certificate anchor, Issued identity) {
    try {
      KeyStore trusted = emptyKeyStore();
      trusted.setCertificateEntry("anchor", anchor);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      KeyManagerFactory kmf = null;
      if (identity != null) {
        KeyStore keys = emptyKeyStore();
        keys.setKeyEntry("identity", identity.privateKey(), new char[0], new Certificate[] {identity.certificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Ca newCa(String commonName) {
    return new Ca(commonName);
  }

  /** Replaces {@code file} in one step (write aside, then rename), so a reader never sees half of it. */
  public static void writeAtomically(Path file, String text) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Ext(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {}

  private static Issued sign(X500Name issuer, PrivateKey issuerKey, X500Name subject, KeyPair subjectKeys,
      List<Ext> extensions, Instant notBefore, Instant notAfter) {
    try {
      PublicKey subjectKey = subjectKeys.getPublic();
      var builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(BigInteger.ONE),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
      for (Ext e : extensions) {
        builder.addExtension(e.oid(), e.critical(), e.value());
      }
      X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey));
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
      return new Issued(cert, subjectKeys.getPrivate(), pem(holder), pem(new JcaPKCS8Generator(subjectKeys.getPrivate(), null)));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static boolean isIpLiteral(String text) {
    if (!text.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      // A literal never triggers a lookup.
      InetAddress.getByName(text);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
