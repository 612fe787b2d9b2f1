package dev.pulse.metrics.scrape;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pulse.metrics.Version;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.testing.FakeKubelets;
import dev.pulse.metrics.testing.NodesOnlyCluster;
import dev.pulse.metrics.testing.TestPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The kubelet client against kubelets on loopback that speak real TLS. */
class KubeletClientTest {

  private static final Duration RESOLUTION = Duration.ofSeconds(15);
  private static TestPki.Ca ca;

  private Vertx vertx;
  private KubeletClient client;
  private ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void newCa() {
    ca = TestPki.newCa("kubelet-ca");
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = new KubeletClient(vertx, new KubeletClient.Credentials(ca.certPem(), false, null, null, null),
        Duration.ofSeconds(5), RESOLUTION, 1 << 20, 4);
    logs = new ListAppender<>();
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    root().detachAppender(logs);
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Test
  void namesPulseAndItsVersionInTheUserAgent() throws Exception {
    try (FakeKubelets kubelets = FakeKubelets.start(ca, null)) {
      kubelets.addNode("ua-1");

      client.fetch(new KubeletEndpoint("127.0.0.1", kubelets.port(), "/metrics/nodes/ua-1/metrics/resource", "InternalIP"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(kubelets.requests("ua-1")).extracting(FakeKubelets.Request::userAgent)
          .containsExactly("pulse/" + Version.current());
      // Filtered in by the build, not the placeholder nor the fallback.
      assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
  }

  @Test
  void aKubeletThatResetsEveryConnectionIsOneWarningNamingTheNode() throws Exception {
    try (ResettingKubelet kubelet = new ResettingKubelet(ca.issueServer("kubelet", "127.0.0.1"))) {
      Scraper scraper = new Scraper(vertx,
          NodesOnlyCluster.of(List.of(FakeKubelets.nodeObject("resetting-1", kubelet.port(), Map.of()))),
          client::fetch, new MetricsStore(RESOLUTION.toMillis(), 1), LabelSelector.everything(),
          new KubeletEndpoint.Settings(List.of("InternalIP"), 10250, true), RESOLUTION, 4, new SimpleMeterRegistry());

      for (int i = 0; i < 3; i++) {
        scraper.scrapeOnce().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }

      assertThat(kubelet.resets()).isEqualTo(3);
      assertThat(logs.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).singleElement()
          .satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getLoggerName()).isEqualTo(Scraper.class.getName());
            assertThat(e.getFormattedMessage()).startsWith("node resetting-1: scrape failed (KubeletUnreachable)")
                .containsIgnoringCase("connection reset");
          });
    }
  }

  /**
   * A kubelet that completes the TLS handshake, reads a request and resets the TCP connection, with
   * no TLS close first: what a kubelet that restarts or an overloaded proxy does.
   */
  private static final class ResettingKubelet implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger resets = new AtomicInteger();

    ResettingKubelet(TestPki.Issued serving) throws Exception {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = "test".toCharArray();
      keys.setKeyEntry("kubelet", serving.privateKey(), password, new Certificate[] {serving.certificate()});
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keyManagers.getKeyManagers(), null, null);
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket raw = server.accept()) {
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
            socket.setUseClientMode(false);
            BufferedReader request = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
            for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
              // the request's headers
            }
            raw.setSoLinger(true, 0);
            resets.incrementAndGet();
          } catch (IOException e) {
            // closed, or the client gave up
          }
        }
      }, "resetting-kubelet");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int resets() {
      return resets.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
