package dev.pulse.operator.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemGenerationException;

/** PEM text of certificates and keys, the form Secrets, files and {@code caBundle} carry. */
public final class Pem {

  private Pem() {}

  public static String encode(List<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }

  public static String encode(X509Certificate certificate) {
    return encode(List.of(certificate));
  }

  /**
   * PKCS#8 ("PRIVATE KEY"): written as SEC1 ("EC PRIVATE KEY"), a JDK EC key loses its curve name
   * and the aggregator's TLS stack (Vert.x) cannot load it.
   */
  public static String encode(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (PemGenerationException e) {
      throw new IllegalStateException("cannot encode the key as PKCS#8", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }

  /** @throws IllegalArgumentException when the text holds no certificate or a malformed one */
  public static List<X509Certificate> certificates(String pem) {
    try {
      List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .stream().map(X509Certificate.class::cast).toList();
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no certificate in the PEM text");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("malformed certificate: " + e.getMessage(), e);
    }
  }

  /** @throws IllegalArgumentException when the text holds no unencrypted private key */
  public static PrivateKey privateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object parsed = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new IllegalArgumentException("no unencrypted private key in the PEM text");
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed private key: " + e.getMessage(), e);
    }
  }
}
