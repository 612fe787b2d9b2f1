package dev.pulse.operator.tls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real TLS handshake, verified the way kube-apiserver verifies an aggregated API server: the
 * chain against the APIService's caBundle and the host name {@code <service>.<namespace>.svc}.
 */
@Timeout(60)
class TlsHandshakeTest {

  private static final String HOST = "pulse-metrics.pulse-system.svc";
  private static final TlsPolicy POLICY = new TlsPolicy(List.of(HOST, HOST + ".cluster.local"),
      Duration.ofDays(365), Duration.ofDays(1825), Duration.ofDays(30));

  @Test
  void theBundleTrustsTheServingCertificateForTheServiceName() throws Exception {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, Instant.now());
    assertThatCode(() -> handshake(tls.serving(), tls.caBundle(), HOST)).doesNotThrowAnyException();
  }

  @Test
  void anotherHostNameIsRejected() {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, Instant.now());
    assertThatThrownBy(() -> handshake(tls.serving(), tls.caBundle(), "pulse-metrics.elsewhere.svc"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void duringACaRotationOldAndNewServingCertificatesAreBothTrusted() {
    Instant now = Instant.now();
    // A CA 15 days from expiry, and the serving certificate it signed ten days ago.
    CertificateAuthority oldCa = CertificateAuthority.generate(now.minus(Duration.ofDays(1810)), POLICY.caValidity());
    ServingCertificate oldServing =
        ServingCertificate.issue(oldCa, POLICY.dnsNames(), now.minus(Duration.ofDays(10)), POLICY.validity());
    TlsMaterial rotated = TlsMaterial.reconcile(
        new StoredTls(Optional.of(oldCa), List.of(), Optional.of(oldServing)), POLICY, now);

    assertThatCode(() -> handshake(oldServing, rotated.caBundle(), HOST)).doesNotThrowAnyException();
    assertThatCode(() -> handshake(rotated.serving(), rotated.caBundle(), HOST)).doesNotThrowAnyException();
    // A client that knows only the old CA rejects the new certificate: the bundle is what bridges.
    assertThatThrownBy(() -> handshake(rotated.serving(), List.of(oldCa.certificate()), HOST))
        .isInstanceOf(SSLHandshakeException.class);
  }

  private static void handshake(ServingCertificate serving, List<X509Certificate> trusted, String host)
      throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("serving", serving.key(), new char[0], new Certificate[] {serving.certificate()});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, new char[0]);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(keyManagers.getKeyManagers(), null, null);

    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    for (int i = 0; i < trusted.size(); i++) {
      anchors.setCertificateEntry("ca-" + i, trusted.get(i));
    }
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(anchors);
    SSLContext clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, trustManagers.getTrustManagers(), null);

    try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
          socket.startHandshake();
          socket.getOutputStream().write(1);
        } catch (IOException e) {
          // the client's failure is what the test reports
        }
      });
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
              .createSocket(plain, host, server.getLocalPort(), true)) {
        SSLParameters parameters = client.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(parameters);
        client.startHandshake();
        client.getInputStream().read();
      } finally {
        accepted.join();
      }
    }
  }
}
