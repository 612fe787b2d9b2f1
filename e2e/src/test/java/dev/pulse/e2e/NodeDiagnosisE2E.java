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
 * kubelet port is moved (kwok keeps a port set in the status) to a server of the test's own on
 * 127.0.0.1, or to a closed port there.
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
    cluster.kubectlWithInput("""
        apiVersion: v1
        kind: Node
        metadata:
          name: %1$s
          annotations:
            kwok.x-k8s.io/node: fake
            metrics.k8s.io/resource-metrics-path: /metrics/nodes/%1$s/metrics/resource
          labels: {type: kwok, kubernetes.io/hostname: %1$s}
        status:
          capacity: {cpu: "1", memory: 1Gi, pods: "10"}
          allocatable: {cpu: "1", memory: 1Gi, pods: "10"}
        """.formatted(NODE), "apply", "-f", "-").ok();
    awaitNodes("4/4", pipeline -> assertCondition(pipeline, "NodesScraped", "True", "AllNodesScraped"));
  }

  @AfterAll
  static void removeTheNode() throws Exception {
    if (cluster != null) {
      cluster.kubectl("delete", "node", NODE, "--ignore-not-found").ok();
      awaitNodes("3/3", pipeline -> assertCondition(pipeline, "Degraded", "False", "AsExpected"));
    }
  }

  @Test
  void aCertificateWithoutTheNodesIpThenAClosedPortAreNamedWithTheirFixesAndClearOnceRepaired(@TempDir Path dir)
      throws Exception {
    long refusedEvents = events("KubeletConnectionRefused");
    // Signed by the cluster CA, which the aggregator trusts, for the node's name only: the IP it dials is not in it.
    HttpsServer kubelet = kubeletServing(dir, "DNS:" + NODE);
    int port = kubelet.getAddress().getPort();
    try {
      movePort(port);
      awaitNodes("3/4", pipeline -> {
        String message = assertCondition(pipeline, "NodesScraped", "False", "KubeletCertificateNameMismatch");
        assertThat(message).startsWith("1 of 4 nodes are not scraped.")
            .contains("SANs: DNS:" + NODE, "127.0.0.1 (the node's InternalIP address)",
                "kubelet.preferredAddressTypes", "serverTLSBootstrap");
        assertCondition(pipeline, "Degraded", "True", "KubeletCertificateNameMismatch");
        assertCondition(pipeline, "Ready", "True", "MetricsAvailable");
        assertThat(pipeline.at("/status/nodes/failing/0/name").asText()).isEqualTo(NODE);
      });
    } finally {
      kubelet.stop(0);
    }

    // The same port, now closed.
    awaitNodes("3/4", pipeline -> {
      String message = assertCondition(pipeline, "NodesScraped", "False", "KubeletConnectionRefused");
      assertThat(message).contains("nothing listens", "127.0.0.1:" + port);
    });

    movePort(kwokPort);
    awaitNodes("4/4", pipeline -> {
      assertCondition(pipeline, "NodesScraped", "True", "AllNodesScraped");
      assertCondition(pipeline, "Degraded", "False", "AsExpected");
      assertThat(pipeline.at("/status/nodes/failingCount").asInt()).isZero();
    });
    // Several scrapes failed in between, each read by the operator.
    assertThat(events("KubeletConnectionRefused")).as("one Event for the cause, not one per scrape")
        .isEqualTo(refusedEvents + 1);
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
    cluster.kubectl("patch", "node", NODE, "--subresource=status", "--type=merge", "-p",
        "{\"status\":{\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + port + "}}}}").ok();
  }

  /** An HTTPS server on 127.0.0.1 with a certificate from the cluster CA for {@code san}. */
  private static HttpsServer kubeletServing(Path dir, String san) throws Exception {
    Path pki = cluster.repo().resolve(".pulse/pki");
    Path key = dir.resolve("kubelet.key");
    Path csr = dir.resolve("kubelet.csr");
    Path crt = dir.resolve("kubelet.crt");
    Path ext = dir.resolve("kubelet.ext");
    Path p12 = dir.resolve("kubelet.p12");
    Files.writeString(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        + "extendedKeyUsage=serverAuth\nsubjectAltName=" + san + "\n");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=system:node:" + NODE, "-out", csr.toString());
    openssl("x509", "-req", "-in", csr.toString(), "-CA", pki.resolve("ca.crt").toString(), "-CAkey",
        pki.resolve("ca.key").toString(), "-CAserial", dir.resolve("ca.srl").toString(), "-CAcreateserial",
        "-days", "1", "-extfile", ext.toString(), "-out", crt.toString());
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
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    LocalCluster.run(command).ok();
  }
}
