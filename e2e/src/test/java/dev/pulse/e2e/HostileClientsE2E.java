package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Anyone who can reach the aggregator's port can open connections and hold them: hundreds of
 * idle TLS connections and a client sending its headers a byte a second are closed after the
 * timeouts (30 s each by default), while `kubectl top` and direct clients are served throughout.
 */
@ExtendWith(LocalCluster.Extension.class)
class HostileClientsE2E {

  private static final int IDLE_CONNECTIONS = 500;
  /** Both timeouts are 30 s; the server checks them every second or so. */
  private static final Duration CLOSED_WITHIN = Duration.ofSeconds(45);

  private static LocalCluster cluster;
  private static SSLContext tls;
  private static String host;
  private static int port;

  @BeforeAll
  static void aggregator(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    String namespace = cluster.kubectl("get", "metricspipeline", Pipelines.NAME, "-o", "jsonpath={.spec.namespace}")
        .ok().stdout();
    host = "pulse-metrics." + namespace + ".svc";
    port = cluster.port("AGGREGATOR");
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream ca = Files.newInputStream(cluster.repo().resolve(".pulse/aggregator/ca.crt"))) {
      trusted.setCertificateEntry("pulse-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
  }

  /** A verified TLS connection to the aggregator, handshake done, nothing sent. */
  private static SSLSocket connect() throws Exception {
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(host)));
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  /** Completes when the server closes the connection (end of stream or reset), with the seconds it took. */
  private static CompletableFuture<Double> closedByServer(SSLSocket socket, long openedNanos, ExecutorService pool) {
    return CompletableFuture.supplyAsync(() -> {
      try (socket) {
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
          // An answer would be a bug in itself; keep reading until the close.
        }
      } catch (Exception closed) {
        // A reset is a close too.
      }
      return (System.nanoTime() - openedNanos) / 1e9;
    }, pool);
  }

  @Test
  void idleAndSlowClientsAreClosedWhileEveryoneElseIsServed() throws Exception {
    double closedBefore = serverClosedConnections();
    ExecutorService pool = Executors.newFixedThreadPool(IDLE_CONNECTIONS + 2);
    try {
      List<CompletableFuture<Double>> idle = new ArrayList<>();
      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        idle.add(closedByServer(connect(), System.nanoTime(), pool));
      }
      SSLSocket slow = connect();
      long slowOpened = System.nanoTime();
      CompletableFuture<Double> slowClosed = closedByServer(slow, slowOpened, pool);
      CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> trickle(slow, slowClosed), pool);

      // Served meanwhile: through kube-apiserver, and directly.
      for (int i = 0; i < 3; i++) {
        assertThat(cluster.kubectl("top", "nodes").exitCode()).as("kubectl top nodes while held").isZero();
        Thread.sleep(5_000);
      }

      double slowest = CompletableFuture.allOf(idle.toArray(CompletableFuture[]::new))
          .thenApply(v -> idle.stream().mapToDouble(CompletableFuture::join).max().orElseThrow())
          .get(CLOSED_WITHIN.toSeconds(), TimeUnit.SECONDS);
      assertThat(slowest).as("seconds until the last idle connection was closed").isLessThan(CLOSED_WITHIN.toSeconds());
      assertThat(slowClosed.get(CLOSED_WITHIN.toSeconds(), TimeUnit.SECONDS))
          .as("seconds until the byte-a-second client was closed").isLessThan(CLOSED_WITHIN.toSeconds());
      trickle.get(5, TimeUnit.SECONDS);
      assertThat(cluster.kubectl("top", "nodes").exitCode()).isZero();
      assertThat(serverClosedConnections() - closedBefore).as("closes counted in Pulse's /metrics")
          .isGreaterThanOrEqualTo(IDLE_CONNECTIONS + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Connections Pulse closed for a timeout, as its own /metrics counts them. */
  private static double serverClosedConnections() throws Exception {
    List<String> curlTls = new ArrayList<>(cluster.adminTls());
    curlTls.set(1, cluster.repo().resolve(".pulse/aggregator/ca.crt").toString());
    curlTls.addAll(List.of("--resolve", host + ":" + port + ":127.0.0.1"));
    Https.Answer metrics = Https.send(curlTls, "https://" + host + ":" + port, Https.Request.get("/metrics", ""));
    assertThat(metrics.status()).as("GET /metrics: %s", metrics.text()).isEqualTo(200);
    return metrics.text().lines()
        .filter(line -> line.startsWith("pulse_server_connections_closed_total{")
            && (line.contains("reason=\"idle_timeout\"") || line.contains("reason=\"header_read_timeout\"")))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** A request line and headers, one byte a second, never finished, until the server closes. */
  private static void trickle(SSLSocket socket, CompletableFuture<Double> closed) {
    byte[] request = ("GET /apis/metrics.k8s.io/v1beta1/nodes HTTP/1.1\r\nHost: " + host + "\r\nX-Padding: "
        + "x".repeat(200)).getBytes(StandardCharsets.US_ASCII);
    try {
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < request.length && !closed.isDone(); i++) {
        out.write(request[i]);
        out.flush();
        Thread.sleep(1_000);
      }
    } catch (Exception closedWhileWriting) {
      // The server closed it: what the test waits for.
    }
  }
}
