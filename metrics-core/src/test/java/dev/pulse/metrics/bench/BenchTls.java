package dev.pulse.metrics.bench;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * HTTPS clients of the benchmark, as {@code curl --cacert CA --cert admin.crt --key admin.key}:
 * a client certificate, and the server verified against a CA for a given name, which may differ
 * from the address dialled (curl's {@code --resolve}): Pulse is verified as
 * {@code pulse-metrics.<ns>.svc} the way kube-apiserver dials it, metrics-server as 127.0.0.1.
 */
final class BenchTls {

  private BenchTls() {}

  /** One server: where to connect, which CA signs it and which name its certificate must carry. */
  record Server(String label, String baseUrl, Path ca, String verifyName) {

    /** {@code label,https://127.0.0.1:port,/path/ca.crt,name}. */
    static Server parse(String spec) {
      String[] parts = spec.split(",", 4);
      if (parts.length != 4) {
        throw new IllegalArgumentException("server spec must be label,url,ca-file,verify-name: " + spec);
      }
      return new Server(parts[0], parts[1], Path.of(parts[2]), parts[3]);
    }
  }

  static HttpClient client(Server server, Path cert, Path key) throws Exception {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .sslContext(sslContext(server, cert, key))
        .build();
  }

  static SSLContext sslContext(Server server, Path cert, Path key) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("client", privateKey(key), new char[0], certificates(cert).toArray(Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : certificates(server.ca())) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    X509TrustManager pkix = null;
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        pkix = x;
      }
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), new TrustManager[] {new NameVerifyingTrustManager(pkix, server.verifyName())},
        null);
    return context;
  }

  static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(c -> (X509Certificate) c).toList();
    }
  }

  static PrivateKey privateKey(Path pem) throws IOException {
    try (Reader reader = Files.newBufferedReader(pem); PEMParser parser = new PEMParser(reader)) {
      Object parsed = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(pem + " holds no private key");
    }
  }

  /**
   * PKIX validation against the given CA, then the leaf must name {@code name} (a DNS or IP
   * subject alternative name); the address dialled does not matter, as with curl's --resolve.
   */
  private static final class NameVerifyingTrustManager extends X509ExtendedTrustManager {
    private final X509TrustManager pkix;
    private final String name;

    NameVerifyingTrustManager(X509TrustManager pkix, String name) {
      this.pkix = pkix;
      this.name = name;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      pkix.checkServerTrusted(chain, authType);
      checkName(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    private void checkName(X509Certificate leaf) throws CertificateException {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      boolean ip = name.matches("[0-9.]+|.*:.*");
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          String value = (String) san.get(1);
          if (ip && type == 7 && sameAddress(value, name)) {
            return;
          }
          if (!ip && type == 2 && value.equalsIgnoreCase(name)) {
            return;
          }
        }
      }
      throw new CertificateException("server certificate " + leaf.getSubjectX500Principal()
          + " is not valid for " + name + " (subject alternative names: " + sans + ")");
    }

    private static boolean sameAddress(String a, String b) {
      try {
        return InetAddress.getByName(a).equals(InetAddress.getByName(b));
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return pkix.getAcceptedIssuers();
    }
  }
}
