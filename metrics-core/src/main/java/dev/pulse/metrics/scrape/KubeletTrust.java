package dev.pulse.metrics.scrape;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's verification of kubelet serving certificates, in two steps so that a refusal says
 * which check failed: first the chain against the CA (unknown authority, expired), then the
 * address against the SANs. The handshake error a TLS library reports carries neither the step nor
 * the certificate, and the fix differs for each.
 */
final class KubeletTrust extends X509ExtendedTrustManager {

  /** A kubelet certificate refused, with what it says about itself. */
  static final class Refused extends CertificateException {
    private final ScrapeFailure.Cause cause;

    Refused(ScrapeFailure.Cause cause, String message, Throwable jdkReason) {
      super(message, jdkReason);
      this.cause = cause;
    }

    ScrapeFailure.Cause failureCause() {
      return cause;
    }
  }

  private final X509ExtendedTrustManager jdk;

  private KubeletTrust(X509ExtendedTrustManager jdk) {
    this.jdk = jdk;
  }

  /** Trusts the certificates in {@code caPem} (a PEM bundle). */
  static TrustManager of(String caPem) throws GeneralSecurityException, java.io.IOException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    int i = 0;
    for (var cert : CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
      anchors.setCertificateEntry("ca-" + i++, cert);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return new KubeletTrust(extended);
      }
    }
    throw new GeneralSecurityException("the JDK offers no X509ExtendedTrustManager");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkChain(chain, authType);
    try {
      jdk.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw nameMismatch(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkChain(chain, authType);
    try {
      jdk.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw nameMismatch(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkChain(chain, authType);
  }

  /** Without an engine or socket there is no peer address, so the JDK checks the chain alone. */
  private void checkChain(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      jdk.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      Date now = new Date();
      for (X509Certificate cert : chain) {
        if (now.after(cert.getNotAfter())) {
          throw new Refused(ScrapeFailure.Cause.EXPIRED_CERTIFICATE, "the certificate " + describe(cert)
              + " expired at " + cert.getNotAfter().toInstant(), e);
        }
        if (now.before(cert.getNotBefore())) {
          throw new Refused(ScrapeFailure.Cause.EXPIRED_CERTIFICATE, "the certificate " + describe(cert)
              + " is valid only from " + cert.getNotBefore().toInstant() + " (is the node's clock right?)", e);
        }
      }
      throw new Refused(ScrapeFailure.Cause.UNKNOWN_AUTHORITY, "the certificate " + describe(chain[0])
          + " is signed by " + chain[chain.length - 1].getIssuerX500Principal().getName()
          + ", which is not a CA Pulse trusts", e);
    }
  }

  private static Refused nameMismatch(X509Certificate[] chain, CertificateException e) {
    return new Refused(ScrapeFailure.Cause.NAME_MISMATCH, "the certificate " + describe(chain[0])
        + " has no SAN for the address dialed", e);
  }

  /** Subject and SANs: public facts of the certificate, which say where it came from and what it covers. */
  static String describe(X509Certificate cert) {
    return "\"" + cert.getSubjectX500Principal().getName() + "\" (SANs: " + sans(cert) + ")";
  }

  private static String sans(X509Certificate cert) {
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return "unreadable";
    }
    if (names == null || names.isEmpty()) {
      return "none";
    }
    List<String> rendered = new ArrayList<>();
    for (List<?> name : names) {
      // RFC 5280 GeneralName tags: 2 dNSName, 7 iPAddress.
      Object tag = name.get(0);
      String prefix = Integer.valueOf(2).equals(tag) ? "DNS:" : Integer.valueOf(7).equals(tag) ? "IP:" : "other:";
      rendered.add(prefix + name.get(1));
    }
    return String.join(", ", rendered);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("Pulse's kubelet client verifies servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("Pulse's kubelet client verifies servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("Pulse's kubelet client verifies servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return jdk.getAcceptedIssuers();
  }
}
