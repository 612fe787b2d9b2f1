package dev.pulse.operator.reconciler;

import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.tls.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Development mode's readiness probe: asks the local aggregator's {@code /readyz} as kube-apiserver
 * would reach it, verifying its certificate for {@code <service>.<namespace>.svc} against the
 * pipeline's CAs. {@code /readyz} needs no credentials.
 */
final class LocalReadiness {

  private static final int TIMEOUT_MILLIS = 2_000;

  private LocalReadiness() {}

  static boolean ready(LocalAggregator local, String namespace, String caBundlePem) {
    String serverName = Names.servingDnsNames(namespace).get(0);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(local.host(), local.port()), TIMEOUT_MILLIS);
      plain.setSoTimeout(TIMEOUT_MILLIS);
      // Layered over the connected socket under the Service's name: SNI and hostname verification
      // both use that name, not the address dialled.
      try (SSLSocket tls = (SSLSocket) context(Pem.certificates(caBundlePem)).getSocketFactory()
          .createSocket(plain, serverName, local.port(), false)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(parameters);
        OutputStream out = tls.getOutputStream();
        out.write(("GET /readyz HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = tls.getInputStream();
        byte[] statusLine = in.readNBytes("HTTP/1.1 200".length());
        return new String(statusLine, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
      }
    } catch (IOException | GeneralSecurityException e) {
      return false;
    }
  }

  private static SSLContext context(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      trusted.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
