package dev.pulse.operator.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a server whose certificate chains to given CAs and names a given DNS name, whatever
 * address was dialed. The operator reaches the aggregator at its Service's name in a cluster but
 * at a local address in development mode, and the serving certificate names the Service either
 * way; checking the name here, instead of against the address, verifies both alike.
 */
public final class PinnedServerTrust extends X509ExtendedTrustManager {

  /** RFC 5280 GeneralName tag of a dNSName. */
  private static final int DNS_NAME = 2;

  private final X509TrustManager chains;
  private final String dnsName;

  private PinnedServerTrust(X509TrustManager chains, String dnsName) {
    this.chains = chains;
    this.dnsName = dnsName;
  }

  public static PinnedServerTrust of(List<X509Certificate> cas, String dnsName) throws GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      anchors.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    for (int i = 0; i < cas.size(); i++) {
      anchors.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return new PinnedServerTrust(x509, dnsName);
      }
    }
    throw new GeneralSecurityException("the JDK offers no X509TrustManager");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    // The two-argument check has no peer to compare with: chain and validity only.
    chains.checkServerTrusted(chain, authType);
    List<String> names = dnsNames(chain[0]);
    if (!names.contains(dnsName)) {
      throw new CertificateException("the server's certificate names " + names + ", not " + dnsName);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  private static List<String> dnsNames(X509Certificate cert) throws CertificateParsingException {
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    List<String> names = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        if (Integer.valueOf(DNS_NAME).equals(san.get(0))) {
          names.add((String) san.get(1));
        }
      }
    }
    return names;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("verifies servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("verifies servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("verifies servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chains.getAcceptedIssuers();
  }
}
