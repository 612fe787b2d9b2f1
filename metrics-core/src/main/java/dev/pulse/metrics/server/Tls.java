package dev.pulse.metrics.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.TrustOptions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.X509TrustManager;

/**
 * The serving TLS policy: TLS 1.2+, forward-secret AEAD suites only, HTTP/2 by ALPN, and client
 * certificates requested but not judged here. Like Go's {@code tls.RequestClientCert}, the
 * handshake accepts any certificate; the authenticators verify it against the CA that matters
 * for it (front proxy or users), which also lets those CAs rotate without touching TLS.
 */
final class Tls {

  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** Accepts every client certificate at the TLS layer; see the class comment for who verifies it. */
  private static final TrustOptions DEFER_CLIENT_VERIFICATION = TrustOptions.wrap(new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // Verified per authenticator, against its own CA.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("server-side trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  });

  private Tls() {}

  static HttpServerOptions serverOptions(ServingCertificate cert) {
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setUseAlpn(true)
        .setEnabledSecureTransportProtocols(PROTOCOLS).setKeyCertOptions(keyCert(cert))
        .setClientAuth(ClientAuth.REQUEST).setTrustOptions(DEFER_CLIENT_VERIFICATION)
        .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  /** The same policy with another certificate, for a live swap. */
  static SSLOptions sslOptions(ServingCertificate cert) {
    SSLOptions options = new SSLOptions().setUseAlpn(true).setEnabledSecureTransportProtocols(PROTOCOLS)
        .setKeyCertOptions(keyCert(cert)).setTrustOptions(DEFER_CLIENT_VERIFICATION);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  private static PemKeyCertOptions keyCert(ServingCertificate cert) {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(cert.certPem())).setKeyValue(Buffer.buffer(cert.keyPem()));
  }
}
