package dev.pulse.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pulse.metrics.server.AggregatorServer;
import dev.pulse.operator.model.Names;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the operator reads the aggregator's node summary: dialing 127.0.0.1, as in development mode,
 * it still verifies the chain and the Service's name, with the JDK's HTTP client.
 */
@Timeout(60)
class PinnedServerTrustTest {

  private static final String HOST = "pulse-metrics.pulse-system.svc";
  private static final TlsPolicy POLICY = new TlsPolicy(List.of(HOST), Duration.ofDays(365), Duration.ofDays(1825),
      Duration.ofDays(30));

  @Test
  void trustsTheServiceNameSignedByTheCaWhateverAddressWasDialed() throws Exception {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, Instant.now());
    assertThat(get(tls.serving(), PinnedServerTrust.of(tls.caBundle(), HOST))).isEqualTo("{}");
  }

  @Test
  void refusesAnotherNameOrAnotherCa() throws Exception {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, Instant.now());
    TlsMaterial other = TlsMaterial.reconcile(StoredTls.NOTHING, POLICY, Instant.now());

    assertThatThrownBy(() -> get(tls.serving(), PinnedServerTrust.of(tls.caBundle(), "pulse-metrics.elsewhere.svc")))
        .isInstanceOf(SSLHandshakeException.class);
    assertThatThrownBy(() -> get(tls.serving(), PinnedServerTrust.of(other.caBundle(), HOST)))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void readsThePathTheAggregatorServes() {
    assertThat(Names.NODE_SUMMARY_PATH).isEqualTo(AggregatorServer.NODE_HEALTH_PATH);
  }

  private static String get(ServingCertificate serving, TrustManager trust) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("serving", serving.key(), new char[0], new Certificate[] {serving.certificate()});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, new char[0]);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(keyManagers.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.createContext("/", exchange -> {
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      SSLContext clientContext = SSLContext.getInstance("TLS");
      clientContext.init(null, new TrustManager[] {trust}, null);
      HttpClient http = HttpClient.newBuilder().sslContext(clientContext).version(HttpClient.Version.HTTP_1_1).build();
      return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.getAddress().getPort()
          + Names.NODE_SUMMARY_PATH)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } finally {
      server.stop(0);
    }
  }
}
