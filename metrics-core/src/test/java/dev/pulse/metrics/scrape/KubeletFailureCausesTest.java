package dev.pulse.metrics.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulse.metrics.testing.FakeKubelets;
import dev.pulse.metrics.testing.TestPki;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each way a kubelet scrape fails is told apart: real TLS handshakes against servers on loopback
 * with the certificates that break real clusters, and the exceptions the network layer raises.
 */
class KubeletFailureCausesTest {

  private static final String PATH = "/metrics/resource";
  private static TestPki.Ca ca;

  private Vertx vertx;
  private KubeletClient client;

  @BeforeAll
  static void newCa() {
    ca = TestPki.newCa("kubelet-ca");
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = new KubeletClient(vertx, new KubeletClient.Credentials(ca.certPem(), false, null, null, () -> "token"),
        Duration.ofSeconds(5), Duration.ofSeconds(15), 1 << 20, 4);
  }

  @AfterEach
  void tearDown() {
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aCertificateFromAnotherCaIsAnUnknownAuthority() throws Exception {
    TestPki.Issued serving = TestPki.newCa("other-ca").issueServer("kubelet", "127.0.0.1");

    ScrapeFailure failure = fetchFrom(serving);

    assertThat(failure.failureCause()).isEqualTo(ScrapeFailure.Cause.UNKNOWN_AUTHORITY);
    assertThat(failure.reason()).isEqualTo(ScrapeFailure.Reason.TLS);
    assertThat(failure.getMessage()).contains("signed by CN=other-ca", "SANs: IP:127.0.0.1");
  }

  @Test
  void aCertificateWithoutTheAddressDialedNamesTheAddressTypeAndItsSans() throws Exception {
    // What kubeadm's self-signed kubelet certificates look like: the host name only.
    TestPki.Issued serving = ca.issueServer("node-1", "node-1");

    ScrapeFailure failure = fetchFrom(serving);

    assertThat(failure.failureCause()).isEqualTo(ScrapeFailure.Cause.NAME_MISMATCH);
    assertThat(failure.getMessage()).contains("SANs: DNS:node-1", "127.0.0.1 (the node's InternalIP address)");
  }

  @Test
  void anExpiredCertificateIsExpired() throws Exception {
    Instant now = Instant.now();
    TestPki.Issued serving = ca.issueServer(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), "kubelet",
        "127.0.0.1");

    ScrapeFailure failure = fetchFrom(serving);

    assertThat(failure.failureCause()).isEqualTo(ScrapeFailure.Cause.EXPIRED_CERTIFICATE);
    assertThat(failure.getMessage()).contains("expired at " + serving.certificate().getNotAfter().toInstant());
  }

  @Test
  void aClosedPortIsARefusedConnection() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    ScrapeFailure failure = fetch(new KubeletEndpoint("127.0.0.1", port, PATH, "InternalIP"));

    assertThat(failure.failureCause()).isEqualTo(ScrapeFailure.Cause.CONNECTION_REFUSED);
  }

  @Test
  void kubelet401And403AreTold() throws Exception {
    try (FakeKubelets kubelets = FakeKubelets.start(ca, "another-token")) {
      kubelets.addNode("n-401");
      ScrapeFailure unauthorized = fetch(endpoint(kubelets, "n-401"));
      assertThat(unauthorized.failureCause()).isEqualTo(ScrapeFailure.Cause.UNAUTHORIZED);
      assertThat(unauthorized.reason()).isEqualTo(ScrapeFailure.Reason.HTTP_STATUS);
    }
    try (FakeKubelets kubelets = FakeKubelets.start(ca, null)) {
      kubelets.addNode("n-403").behave(FakeKubelets.Behaviour.FORBIDDEN);
      ScrapeFailure forbidden = fetch(endpoint(kubelets, "n-403"));
      assertThat(forbidden.failureCause()).isEqualTo(ScrapeFailure.Cause.FORBIDDEN);
      assertThat(forbidden.getMessage()).contains("403");
    }
  }

  @Test
  void networkExceptionsMapToTheirCauses() {
    KubeletEndpoint endpoint = new KubeletEndpoint("node-1.example", 10250, PATH, "Hostname");

    assertThat(KubeletClient.classify(endpoint, new RuntimeException(new UnknownHostException("node-1.example"))))
        .satisfies(f -> {
          assertThat(f.failureCause()).isEqualTo(ScrapeFailure.Cause.NAME_NOT_RESOLVED);
          assertThat(f.getMessage()).contains("node-1.example, the node's Hostname address");
        });
    assertThat(KubeletClient.classify(endpoint, new ConnectTimeoutException("connection timed out")).failureCause())
        .isEqualTo(ScrapeFailure.Cause.TIMEOUT);
    assertThat(KubeletClient.classify(endpoint, new java.net.ConnectException("Connection refused")).failureCause())
        .isEqualTo(ScrapeFailure.Cause.CONNECTION_REFUSED);
    assertThat(KubeletClient.classify(endpoint, new java.io.IOException("Connection reset")).failureCause())
        .isEqualTo(ScrapeFailure.Cause.CONNECTION);
  }

  private static KubeletEndpoint endpoint(FakeKubelets kubelets, String node) {
    return new KubeletEndpoint("127.0.0.1", kubelets.port(), "/metrics/nodes/" + node + "/metrics/resource",
        "InternalIP");
  }

  private ScrapeFailure fetchFrom(TestPki.Issued serving) throws Exception {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(serving.certPem())).setKeyValue(Buffer.buffer(serving.keyPem()))))
        .requestHandler(request -> request.response().end("# nothing\n"));
    int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    try {
      return fetch(new KubeletEndpoint("127.0.0.1", port, PATH, "InternalIP"));
    } finally {
      server.close();
    }
  }

  private ScrapeFailure fetch(KubeletEndpoint endpoint) {
    var thrown = assertThatThrownBy(() -> client.fetch(endpoint).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).actual();
    assertThat(thrown.getCause()).isInstanceOf(ScrapeFailure.class);
    return (ScrapeFailure) thrown.getCause();
  }
}
