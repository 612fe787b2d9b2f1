package dev.pulse.metrics.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;
import java.util.List;
import java.util.Set;

/** The serving TLS policy: TLS 1.2+, forward-secret AEAD suites only, HTTP/2 by ALPN. */
final class Tls {

  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private Tls() {}

  static HttpServerOptions serverOptions(ServingCertificate cert) {
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setUseAlpn(true)
        .setEnabledSecureTransportProtocols(PROTOCOLS).setKeyCertOptions(keyCert(cert));
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  /** The same policy with another certificate, for a live swap. */
  static SSLOptions sslOptions(ServingCertificate cert) {
    SSLOptions options = new SSLOptions().setUseAlpn(true).setEnabledSecureTransportProtocols(PROTOCOLS)
        .setKeyCertOptions(keyCert(cert));
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  private static PemKeyCertOptions keyCert(ServingCertificate cert) {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(cert.certPem())).setKeyValue(Buffer.buffer(cert.keyPem()));
  }
}
