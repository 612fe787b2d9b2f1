package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replacing a running metrics-server, the way a user switches: metrics-server (the real v0.8.0)
 * holds metrics.k8s.io, a MetricsPipeline with {@code takeover: Always} is created, and
 * {@code kubectl top nodes} runs every second throughout. The operator hands the APIService over
 * only once an aggregator is ready, so not one call fails.
 */
@ExtendWith(LocalCluster.Extension.class)
class TakeoverE2E {

  private static final Duration CONVERGE = Duration.ofMinutes(3);
  /** Created, not applied: up.sh's apply of the sample then leaves takeover as it is. */
  private static final String PIPELINE = """
      apiVersion: pulse.dev/v1alpha1
      kind: MetricsPipeline
      metadata: {name: pulse}
      spec: {apiService: {takeover: Always}}
      """;

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) {
    cluster = localCluster;
  }

  /** The sample pipeline again, Ready; metrics-server gone. */
  @AfterAll
  static void restore() throws Exception {
    cluster.script("baseline-metrics-server.sh", "stop");
    cluster.kubectl("delete", "service", "-n", "kube-system", "metrics-server", "--ignore-not-found").ok();
    if (cluster.kubectl("get", "metricspipeline", Pipelines.NAME).exitCode() == 0) {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"apiService\":null}}").ok();
    }
    cluster.script("up.sh");
    Pipelines.awaitReady(cluster);
  }

  @Test
  void takingOverFromARunningMetricsServerFailsNoKubectlTop() throws Exception {
    Pipelines.awaitReady(cluster);
    cluster.kubectl("delete", "metricspipeline", Pipelines.NAME, "--timeout=60s").ok();
    // Its pod goes with the Deployment.
    cluster.stop("aggregator");
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2))
        .until(() -> Pipelines.managedObjects(cluster).isEmpty());

    cluster.script("baseline-metrics-server.sh", "start");
    int port = cluster.port("METRICS_SERVER");
    cluster.kubectlWithInput(MetricsServerObjects.service(port) + "---\n"
        + MetricsServerObjects.readerRoleAndApiService(port), "apply", "-f", "-").ok();
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2))
        .until(() -> cluster.kubectl("top", "nodes").exitCode() == 0);

    List<Instant> served = new CopyOnWriteArrayList<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread user = new Thread(() -> topEverySecond(running, served, failures), "kubectl-top");
    user.start();
    Instant handedOver;
    try {
      Instant created = Instant.now();
      cluster.kubectlWithInput(PIPELINE, "create", "-f", "-").ok();
      // While the aggregator is not running, metrics-server keeps the API.
      await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        JsonNode available = Pipelines.condition(Pipelines.pipeline(cluster), "APIServiceAvailable");
        assertThat(available.path("reason").asText()).isEqualTo("TakeoverPending");
      });
      assertThat(apiService().at("/spec/service/name").asText()).isEqualTo("metrics-server");

      // The kubelet's part: the aggregator's pod starts from the Deployment and its Secret.
      cluster.script("up.sh");
      await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        JsonNode apiService = apiService();
        assertThat(apiService.at("/spec/service/namespace").asText()).isEqualTo(Pipelines.NAMESPACE);
        assertThat(apiService.at("/spec/insecureSkipTLSVerify").asBoolean(false)).isFalse();
      });
      handedOver = Instant.now();
      System.out.printf("takeover: APIService handed to Pulse %ds after the pipeline was created%n",
          Duration.between(created, handedOver).toSeconds());
      Pipelines.awaitReady(cluster);
      // Some calls answered by Pulse alone.
      await().atMost(Duration.ofMinutes(1)).until(() -> served.stream().filter(handedOver::isBefore).count() >= 10);
    } finally {
      running.set(false);
      user.join(Duration.ofMinutes(1).toMillis());
    }
    System.out.printf("takeover: %d kubectl top nodes calls, one per second, %d failed%n", served.size(),
        failures.size());
    assertThat(failures).as("failed kubectl top nodes calls").isEmpty();
    assertThat(served.stream().filter(handedOver::isAfter).count()).as("calls before the hand-over").isPositive();
  }

  private static JsonNode apiService() throws Exception {
    return cluster.json("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json");
  }

  /** What a user's terminal does: kubectl top nodes, every second, each call on its own. */
  private static void topEverySecond(AtomicBoolean running, List<Instant> served, ConcurrentLinkedQueue<String> failures) {
    try {
      while (running.get()) {
        Instant started = Instant.now();
        LocalCluster.Result top = cluster.kubectl("top", "nodes");
        if (top.exitCode() == 0 && top.stdout().contains("pulse-node-1")) {
          served.add(started);
        } else {
          failures.add(started + " exit " + top.exitCode() + ": " + top.stderr() + top.stdout());
        }
        Thread.sleep(Math.max(0, 1000 - Duration.between(started, Instant.now()).toMillis()));
      }
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }
}
