package dev.pulse.operator.reconciler;

import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.tls.Pem;
import dev.pulse.operator.tls.PinnedServerTrust;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Development mode's readiness probe: asks the local aggregator's {@code /readyz}, verifying its
 * certificate against the pipeline's CAs and for the Service's name, as kube-apiserver will.
 * {@code /readyz} needs no credentials. A plain socket rather than an HttpClient: a probe every few
 * seconds should not leave a client's selector thread behind each time.
 */
final class LocalReadiness {

  private static final int TIMEOUT_MILLIS = 2_000;
  private static final String OK = "HTTP/1.1 200";

  private LocalReadiness() {}

  static boolean ready(LocalAggregator local, String namespace, String caBundlePem) {
    String serverName = Names.servingDnsNames(namespace).get(0);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(local.host(), local.port()), TIMEOUT_MILLIS);
      plain.setSoTimeout(TIMEOUT_MILLIS);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {PinnedServerTrust.of(Pem.certificates(caBundlePem), serverName)}, null);
      // Layered under the Service's name, which the handshake sends as SNI.
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, local.port(), false)) {
        OutputStream out = tls.getOutputStream();
        out.write(("GET /readyz HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new String(tls.getInputStream().readNBytes(OK.length()), StandardCharsets.US_ASCII).equals(OK);
      }
    } catch (IOException | GeneralSecurityException e) {
      return false;
    }
  }
}
