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

      client.fetch(new KubeletEndpoint("127.0.0.1", kubelets.port(), "/metrics/nodes/ua-1/metrics/resource"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(kubelets.requests("ua-1")).extracting(FakeKubelets.Request::userAgent)
          .containsExactly("pulse/" + Version.current());
      // Filtered in by the build, not the placeholder nor the fallback.
      assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
  }
}
