package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl pulse doctor} as a user runs it: the plugin {@code kubectl-pulse} that up.sh links
 * into {@code .pulse/bin}, found by kubectl on the PATH, against the real control plane. Healthy;
 * with a kubelet the pipeline cannot scrape; as a user who may only view; and without a pipeline:
 * nothing registered, metrics-server's APIService left without its Service, then the real
 * metrics-server serving.
 */
@ExtendWith(LocalCluster.Extension.class)
class DoctorE2E {

  private static final String NODE = "pulse-doctor-1";
  private static final String VIEWER = "pulse-doctor-viewer";
  /** A scrape (15 s resolution), then the operator's next read of the summary (every 15 s), and margin. */
  private static final Duration SEEN = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    Pipelines.awaitReady(cluster);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (cluster != null) {
      KwokNodes.delete(cluster, NODE);
      cluster.kubectl("delete", "clusterrolebinding", VIEWER, "--ignore-not-found").ok();
    }
  }

  @Test
  void aHealthyClusterPassesEveryCheckInTextAndJson() throws Exception {
    // Another test's node or pipeline may still be settling: wait for all clear.
    LocalCluster.Result doctor = awaitDoctor(0, "scrapes every selected kubelet (3 of 3 nodes)");
    assertThat(doctor.stdout()).startsWith("kubectl pulse doctor: https://127.0.0.1:" + cluster.port("APISERVER"))
        .contains("PASS      kube-apiserver",
            "metrics.k8s.io is registered, served by Pulse (MetricsPipeline pulse, Service pulse-system/pulse-metrics)",
            "kube-apiserver reaches and trusts Pulse",
            "kube-apiserver calls aggregated API servers as a front proxy with a CA of its own, as front-proxy-client.",
            "MetricsPipeline pulse is Ready",
            "MetricsPipeline pulse scrapes every selected kubelet (3 of 3 nodes).",
            "All 3 nodes are Ready.",
            "returns metrics of 3 nodes")
        .doesNotContain("FAIL", "WARN", "SKIPPED", "BEGIN CERTIFICATE");
    assertThat(doctor.stdout().lines().filter(line -> line.startsWith("PASS ")).count()).isEqualTo(8);

    LocalCluster.Result json = doctor(Map.of("KUBECONFIG", cluster.kubeconfig().toString()), "doctor", "-o", "json");
    assertThat(json.exitCode()).as(json.stderr()).isZero();
    JsonNode report = JSON.readTree(json.stdout());
    assertThat(report.path("kubectlTopShouldWork").asBoolean()).isTrue();
    assertThat(report.path("checks").findValuesAsText("id")).containsExactly("cluster", "apiservice",
        "apiservice-available", "aggregation-layer", "pipeline", "nodes-scraped", "nodes", "node-metrics");
    assertThat(report.path("checks").findValuesAsText("result")).containsOnly("pass");

    // The operator judges the aggregation layer the same way, from the same ConfigMap.
    JsonNode condition = Pipelines.condition(Pipelines.pipeline(cluster), "AggregationLayerConfigured");
    assertThat(condition.path("status").asText()).isEqualTo("True");
    assertThat(condition.path("reason").asText()).isEqualTo("RequestHeaderCAConfigured");
  }

  @Test
  void aKubeletThePipelineCannotScrapeFailsTheDoctorUntilItIsGone() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    KwokNodes.apply(cluster, NODE, "doctor");
    try {
      await().atMost(SEEN).pollInterval(Duration.ofSeconds(2))
          .untilAsserted(() -> KwokNodes.moveKubeletPort(cluster, NODE, closed));
      LocalCluster.Result doctor = awaitDoctor(1, "KubeletConnectionRefused");
      assertThat(doctor.stdout()).contains("FAIL      Nodes scraped", "(3 of 4 nodes)", "Failing: " + NODE,
          "127.0.0.1:" + closed)
          .contains("kubectl top works, but shows <unknown> for the nodes that are not scraped and leaves out their"
              + " pods.");
    } finally {
      KwokNodes.delete(cluster, NODE);
    }
    awaitDoctor(0, "(3 of 3 nodes)");
  }

  @Test
  void aViewerIsToldWhichChecksItCouldNotRun() throws Exception {
    cluster.kubectl("create", "clusterrolebinding", VIEWER, "--clusterrole=view", "--user=" + VIEWER).ok();
    try {
      // The flags a user types after the plugin's name, with no KUBECONFIG in the environment.
      LocalCluster.Result doctor = doctor(Map.of(), "doctor", "--kubeconfig", cluster.kubeconfig().toString(),
          "--as=" + VIEWER);
      assertThat(doctor.exitCode()).as(doctor.stdout() + doctor.stderr()).isZero();
      assertThat(doctor.stdout())
          .contains("SKIPPED   APIService v1beta1.metrics.k8s.io", "cannot get resource \"apiservices\"",
              "fix: Needs get apiservices.apiregistration.k8s.io", "SKIPPED   MetricsPipeline", "SKIPPED   Nodes Ready",
              "PASS      Aggregation layer", "PASS      kubectl top nodes")
          .contains("kubectl top should work.\nNot run for lack of permission: APIService v1beta1.metrics.k8s.io,"
              + " metrics.k8s.io Available, MetricsPipeline, Nodes Ready.");
    } finally {
      cluster.kubectl("delete", "clusterrolebinding", VIEWER, "--ignore-not-found").ok();
    }
  }

  @Test
  void withoutAPipelineItJudgesWhateverServesMetricsK8sIo() throws Exception {
    Pipelines.awaitReady(cluster);
    cluster.kubectl("delete", "metricspipeline", Pipelines.NAME, "--timeout=60s").ok();
    // Its pod goes with the Deployment.
    cluster.stop("aggregator");
    await().atMost(SEEN).pollInterval(Duration.ofSeconds(2)).until(() -> Pipelines.managedObjects(cluster).isEmpty());
    try {
      LocalCluster.Result nothing = awaitDoctor(1, "No APIService v1beta1.metrics.k8s.io");
      assertThat(nothing.stdout()).contains("fix: Install Pulse: kubectl apply -f config/install.yaml",
          "INFO      MetricsPipeline", "no pipeline exists", "answers 404: metrics.k8s.io is not served");

      // What an uninstall of metrics-server that forgot its APIService leaves behind.
      int port = cluster.port("METRICS_SERVER");
      cluster.kubectlWithInput(MetricsServerObjects.readerRoleAndApiService(port), "apply", "-f", "-").ok();
      LocalCluster.Result stale = awaitDoctor(1, "Service kube-system/metrics-server does not exist");
      assertThat(stale.stdout())
          .contains("served by metrics-server (Service kube-system/metrics-server)", "FAIL      metrics.k8s.io Available",
              "ServiceNotFound", "fix: Reinstall that metrics server, or delete the stale APIService (kubectl delete"
                  + " apiservice v1beta1.metrics.k8s.io)")
          .contains("kubectl top will not work: metrics.k8s.io Available, kubectl top nodes failed.");

      // The real metrics-server behind it.
      cluster.script("baseline-metrics-server.sh", "start");
      cluster.kubectlWithInput(MetricsServerObjects.service(port), "apply", "-f", "-").ok();
      LocalCluster.Result served = awaitDoctor(0, "kubectl top should work.");
      assertThat(served.stdout()).contains("PASS      metrics.k8s.io Available",
          "kube-apiserver reaches and trusts metrics-server (Service kube-system/metrics-server)",
          "returns metrics of 3 nodes", "INFO      MetricsPipeline");
    } finally {
      cluster.script("baseline-metrics-server.sh", "stop");
      cluster.kubectl("delete", "service", "-n", "kube-system", "metrics-server", "--ignore-not-found").ok();
      cluster.kubectl("delete", "apiservice", "v1beta1.metrics.k8s.io", "--ignore-not-found").ok();
      cluster.kubectl("delete", "clusterrole", "system:aggregated-metrics-reader", "--ignore-not-found").ok();
      // The sample pipeline and its aggregator again.
      cluster.script("up.sh");
      Pipelines.awaitReady(cluster);
    }
  }

  private static LocalCluster.Result awaitDoctor(int exitCode, String expected) {
    return cluster.awaitDoctor(SEEN, exitCode, expected);
  }

  private static LocalCluster.Result doctor(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return cluster.kubectlPulse(env, args);
  }
}
