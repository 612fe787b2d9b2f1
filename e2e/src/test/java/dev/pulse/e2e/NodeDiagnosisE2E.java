package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One simulated kubelet broken at a time, as clusters break them, and what the MetricsPipeline
 * says about it: the NODES column of {@code kubectl get mp}, the NodesScraped condition's reason
 * and message, Degraded, then all clear once repaired. The broken node is a fourth kwok node whose
 * kubelet port is moved (kwok keeps a port set in the status) to servers of the test's own on
 * 127.0.0.1 (a self-signed certificate, one without the node's IP, answers 401, 403 and an HTML
 * page), then to a closed port there; last, its kubelet answers without the node's own usage.
 */
@ExtendWith(LocalCluster.Extension.class)
class NodeDiagnosisE2E {

  private static final String NODE = "pulse-diag-1";
  /** A scrape (15 s resolution), then the operator's next read of the summary (every 15 s), and margin. */
  private static final Duration SEEN = Duration.ofMinutes(2);

  private static LocalCluster cluster;
  private static int kwokPort;

  @BeforeAll
  static void up(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    Pipelines.awaitReady(cluster);
    kwokPort = cluster.port("KWOK");
    KwokNodes.apply(cluster, NODE, "diagnosis");
    awaitNodes("4/4", pipeline -> assertCondition(pipeline, "NodesScraped", "True", "AllNodesScraped"));
  }

  @AfterAll
  static void removeTheNode() throws Exception {
    if (cluster != null) {
      KwokNodes.delete(cluster, NODE);
      awaitNodes("3/3", pipeline -> assertCondition(pipeline, "Degraded", "False", "AsExpected"));
    }
  }

  @Test
  void eachBrokenKubeletIsNamedWithItsFixAndAllClearsOnceRepaired(@TempDir Path dir) throws Exception {
    long refusedEvents = events("KubeletConnectionRefused");

    // Kubelets sign their own serving certificates unless serverTLSBootstrap is set.
    try (Kubelet selfSigned = Kubelet.start(dir, "self-signed", null, "IP:127.0.0.1")) {
      movePort(selfSigned.port());
      awaitCause("KubeletCertificateUnknownAuthority", "serverTLSBootstrap", "kubelet.tls.mode CustomCA");
    }

    // Signed by the cluster CA, which the aggregator trusts, for the node's name only: the IP it dials is not in it.
    try (Kubelet nameOnly = Kubelet.start(dir, "name-only", cluster.repo().resolve(".pulse/pki"), "DNS:" + NODE)) {
      movePort(nameOnly.port());
      awaitCause("KubeletCertificateNameMismatch", "SANs: DNS:" + NODE, "127.0.0.1 (the node's InternalIP address)",
          "kubelet.preferredAddressTypes", "serverTLSBootstrap");
      assertThat(Pipelines.pipeline(cluster).at("/status/nodes/failing/0/name").asText()).isEqualTo(NODE);
    }

    // A trusted certificate for the address dialed, and the answers of a misconfigured kubelet or a proxy.
    Kubelet trusted = Kubelet.start(dir, "trusted", cluster.repo().resolve(".pulse/pki"), "IP:127.0.0.1");
    int port = trusted.port();
    try {
      movePort(port);
      trusted.answer(401, "Unauthorized");
      awaitCause("KubeletUnauthorized", "authentication.webhook.enabled");
      trusted.answer(403, "Forbidden (user=system:serviceaccount:pulse-system:pulse-metrics, verb=get,"
          + " resource=nodes, subresource=metrics)");
      awaitCause("KubeletForbidden", "system:serviceaccount:pulse-system:pulse-metrics", "nodes/metrics");
      trusted.answer(200, "<html><body>Welcome to nginx!</body></html>");
      awaitCause("KubeletMalformedResponse", "Prometheus text");
    } finally {
      trusted.close();
    }

    // The same port, now closed.
    awaitCause("KubeletConnectionRefused", "nothing listens", "127.0.0.1:" + port);

    movePort(kwokPort);
    awaitNodes("4/4", pipeline -> {
      assertCondition(pipeline, "NodesScraped", "True", "AllNodesScraped");
      assertCondition(pipeline, "Degraded", "False", "AsExpected");
      assertThat(pipeline.at("/status/nodes/failingCount").asInt()).isZero();
    });
    // Several scrapes failed while the port was closed, each read by the operator.
    assertThat(events("KubeletConnectionRefused")).as("one Event for the cause, not one per scrape")
        .isEqualTo(refusedEvents + 1);

    // A kubelet that answers without the node's own usage, as kwok does for a node without pods:
    // scraped, yet left out of the API, so not counted as scraped.
    KwokNodes.deletePod(cluster, NODE);
    awaitCause("NodeMetricsIncomplete", "node_memory_working_set_bytes is 0", "<unknown>", "cgroupDriver");
    assertThat(cluster.kubectl("top", "nodes", "--no-headers").ok().stdout().lines()
        .filter(line -> line.startsWith(NODE + " "))).singleElement().asString().contains("<unknown>");
    KwokNodes.apply(cluster, NODE, "diagnosis");
    awaitNodes("4/4", pipeline -> assertCondition(pipeline, "NodesScraped", "True", "AllNodesScraped"));
  }

  /**
   * Waits until the NODES column, NodesScraped and Degraded show the fourth node failing for
   * {@code reason}, and {@code kubectl pulse doctor} says the same.
   */
  private static void awaitCause(String reason, String... inMessage) {
    awaitNodes("3/4", pipeline -> {
      String message = assertCondition(pipeline, "NodesScraped", "False", reason);
      assertThat(message).startsWith("1 of 4 nodes are not scraped.").contains(inMessage).doesNotContain("Insecure");
      assertCondition(pipeline, "Degraded", "True", reason);
      assertCondition(pipeline, "Ready", "True", "MetricsAvailable");
    });
    LocalCluster.Result doctor = cluster.awaitDoctor(SEEN, 1, "(" + reason + ")");
    assertThat(doctor.stdout()).contains("FAIL      Nodes scraped", "(3 of 4 nodes)", "Failing: " + NODE)
        .contains(inMessage);
  }

  private static long events(String reason) throws Exception {
    return cluster.kubectl("get", "events", "-n", "default", "--field-selector",
        "involvedObject.name=" + Pipelines.NAME + ",reason=" + reason, "--no-headers").ok().stdout().lines()
        .filter(line -> !line.isBlank()).count();
  }

  /** Waits until {@code kubectl get mp} shows {@code nodes} in its NODES column and the pipeline passes {@code check}. */
  private static void awaitNodes(String nodes, Consumer<JsonNode> check) {
    await().atMost(SEEN).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      List<String> table = cluster.kubectl("get", "mp").ok().stdout().lines().toList();
      assertThat(table.get(0).split("\\s+")).containsExactly("NAME", "AGE", "READY", "REASON", "NODES");
      String[] row = table.get(1).split("\\s+");
      assertThat(row[row.length - 1]).isEqualTo(nodes);
      check.accept(Pipelines.pipeline(cluster));
    });
  }

  /** The message, once status and reason are as expected. */
  private static String assertCondition(JsonNode pipeline, String type, String status, String reason) {
    JsonNode condition = Pipelines.condition(pipeline, type);
    assertThat(condition.path("status").asText()).as(type).isEqualTo(status);
    assertThat(condition.path("reason").asText()).as(type + " reason: " + condition.path("message").asText())
        .isEqualTo(reason);
    return condition.path("message").asText();
  }

  private static void movePort(int port) throws Exception {
    KwokNodes.moveKubeletPort(cluster, NODE, port);
  }

  /** A kubelet of the test's own: HTTPS on 127.0.0.1, answering every request as told. */
  private static final class Kubelet implements AutoCloseable {
    private final HttpsServer server;
    private volatile int status = 500;
    private volatile byte[] body = new byte[0];

    private Kubelet(HttpsServer server) {
      this.server = server;
    }

    /**
     * @param pki the directory of the CA that signs its certificate ({@code ca.crt}, {@code ca.key}),
     *     or null for a self-signed one
     */
    static Kubelet start(Path dir, String name, Path pki, String san) throws Exception {
      Path key = dir.resolve(name + ".key");
      Path crt = dir.resolve(name + ".crt");
      Path ext = dir.resolve(name + ".ext");
      Path p12 = dir.resolve(name + ".p12");
      Files.writeString(ext, "basicConstraints=critical,CA:FALSE\n"
          + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=" + san
          + "\n");
      openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
      String subject = "/CN=system:node:" + NODE;
      if (pki == null) {
        openssl("req", "-x509", "-key", key.toString(), "-subj", subject, "-days", "1", "-addext",
            "subjectAltName=" + san, "-out", crt.toString());
      } else {
        Path csr = dir.resolve(name + ".csr");
        openssl("req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", pki.resolve("ca.crt").toString(), "-CAkey",
            pki.resolve("ca.key").toString(), "-CAserial", dir.resolve(name + ".srl").toString(), "-CAcreateserial",
            "-days", "1", "-extfile", ext.toString(), "-out", crt.toString());
      }
      openssl("pkcs12", "-export", "-inkey", key.toString(), "-in", crt.toString(), "-passout", "pass:e2e",
          "-out", p12.toString());

      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(p12)) {
        keys.load(in, "e2e".toCharArray());
      }
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, "e2e".toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keyManagers.getKeyManagers(), null, null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      Kubelet kubelet = new Kubelet(server);
      server.createContext("/", exchange -> {
        byte[] answer = kubelet.body;
        exchange.sendResponseHeaders(kubelet.status, answer.length == 0 ? -1 : answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
      });
      server.start();
      return kubelet;
    }

    int port() {
      return server.getAddress().getPort();
    }

    void answer(int status, String body) {
      this.body = body.getBytes(StandardCharsets.UTF_8);
      this.status = status;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    LocalCluster.run(command).ok();
  }
}
