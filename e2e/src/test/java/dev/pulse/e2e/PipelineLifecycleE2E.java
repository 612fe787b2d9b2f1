package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What happens to the pipeline over time on a real control plane: the operator and the
 * aggregator killed and restarted, the pipeline deleted (real garbage collection), a foreign
 * APIService in the way and taken over. Every test leaves the sample pipeline Ready again.
 */
@ExtendWith(LocalCluster.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineLifecycleE2E {

  private static final Duration CONVERGE = Duration.ofMinutes(2);

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) {
    cluster = localCluster;
  }

  /** Whatever a failed test left behind: the sample pipeline, its aggregator, Ready. */
  @AfterAll
  static void restore() throws Exception {
    JsonNode apiServices = cluster.json("get", "apiservices", "-o", "json");
    for (JsonNode apiService : apiServices.path("items")) {
      if (apiService.at("/metadata/name").asText().equals("v1beta1.metrics.k8s.io")
          && !apiService.at("/metadata/labels/app.kubernetes.io~1managed-by").asText().equals("pulse-operator")) {
        cluster.kubectl("delete", "apiservice", "v1beta1.metrics.k8s.io").ok();
      }
    }
    cluster.kubectl("apply", "-f", cluster.repo().resolve(Pipelines.SAMPLE).toString()).ok();
    if (cluster.kubectl("wait", "--for=condition=Ready", "metricspipeline/" + Pipelines.NAME, "--timeout=5s")
        .exitCode() != 0) {
      restartAggregator();
    }
  }

  @Test
  @Order(1)
  void theOperatorAndTheAggregatorSurviveBeingKilled() throws Exception {
    Pipelines.awaitReady(cluster);
    Map<String, String> before = Pipelines.uids(Pipelines.managedObjects(cluster));
    String ca = caCertificate();

    cluster.kill("operator");
    cluster.kill("aggregator");
    // While the operator is away, something deletes one of its objects. Their supervisors restart
    // both, as the kubelet restarts killed containers; up.sh finds them running.
    cluster.kubectl("delete", "clusterrolebinding", "pulse:metrics-aggregator:auth-delegator").ok();
    cluster.script("up.sh");

    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Map<String, String> after = Pipelines.uids(Pipelines.managedObjects(cluster));
      assertThat(after.keySet()).as("no duplicate or orphaned objects").isEqualTo(before.keySet());
      before.forEach((key, uid) -> {
        if (key.equals("ClusterRoleBinding /pulse:metrics-aggregator:auth-delegator")) {
          assertThat(after.get(key)).as("recreated").isNotEqualTo(uid);
        } else {
          assertThat(after.get(key)).as("kept: %s", key).isEqualTo(uid);
        }
      });
    });
    assertThat(caCertificate()).as("the CA survives a restart: kube-apiserver keeps trusting the aggregator")
        .isEqualTo(ca);
    Pipelines.awaitReady(cluster);
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(3))
        .until(() -> cluster.kubectl("top", "nodes").exitCode() == 0);
  }

  @Test
  @Order(2)
  void deletingThePipelineRemovesEverythingItCreatedAndAForeignApiServiceIsLeftAlone() throws Exception {
    Pipelines.awaitReady(cluster);
    cluster.kubectl("delete", "metricspipeline", Pipelines.NAME, "--timeout=60s").ok();
    // kube-controller-manager's garbage collector follows the owner references, cluster-scoped too.
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(Pipelines.managedObjects(cluster).keySet()).as("left after delete").isEmpty());
    LocalCluster.Result top = cluster.kubectl("top", "nodes");
    assertThat(top.exitCode()).isNotZero();
    assertThat(top.stderr()).contains("Metrics API not available");

    // metrics-server was installed meanwhile; then the pipeline comes back.
    cluster.kubectlWithInput(MetricsServerObjects.readerRoleAndApiService(443), "apply", "-f", "-").ok();
    String foreignVersion = cluster.json("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json")
        .at("/metadata/resourceVersion").asText();
    cluster.kubectl("apply", "-f", cluster.repo().resolve(Pipelines.SAMPLE).toString()).ok();
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      JsonNode pipeline = Pipelines.pipeline(cluster);
      JsonNode ready = Pipelines.condition(pipeline, "Ready");
      assertThat(ready.path("status").asText()).isEqualTo("False");
      assertThat(ready.path("reason").asText()).isEqualTo("APIServiceConflict");
      assertThat(ready.path("message").asText()).contains("Service kube-system/metrics-server", "takeover");
      assertThat(Pipelines.condition(pipeline, "Degraded").path("status").asText()).isEqualTo("True");
    });
    JsonNode foreign = cluster.json("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json");
    assertThat(foreign.at("/metadata/resourceVersion").asText()).as("untouched").isEqualTo(foreignVersion);
    assertThat(cluster.json("get", "clusterrole", "system:aggregated-metrics-reader", "-o", "json")
        .at("/metadata/labels/k8s-app").asText()).as("metrics-server's reader role, while it holds the API")
        .isEqualTo("metrics-server");
    assertThat(cluster.kubectl("get", "events", "-n", "default", "--field-selector",
        "involvedObject.kind=MetricsPipeline,involvedObject.name=pulse,type=Warning,reason=APIServiceConflict")
        .ok().stdout()).contains("APIServiceConflict");

    // Its Service does not exist: IfOrphaned lets the pipeline take the APIService over.
    cluster.kubectlWithInput("""
        apiVersion: pulse.dev/v1alpha1
        kind: MetricsPipeline
        metadata: {name: pulse}
        spec: {apiService: {takeover: IfOrphaned}}
        """, "apply", "-f", "-").ok();
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      JsonNode taken = cluster.json("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json");
      assertThat(taken.at("/metadata/labels/app.kubernetes.io~1managed-by").asText()).isEqualTo("pulse-operator");
      assertThat(taken.at("/metadata/labels/k8s-app").isMissingNode()).as("metrics-server's label").isTrue();
      JsonNode reader = cluster.json("get", "clusterrole", "system:aggregated-metrics-reader", "-o", "json");
      assertThat(reader.at("/metadata/labels/app.kubernetes.io~1managed-by").asText()).as("adopted")
          .isEqualTo("pulse-operator");
      assertThat(reader.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("MetricsPipeline");
      assertThat(taken.at("/spec/insecureSkipTLSVerify").asBoolean(false)).isFalse();
      assertThat(taken.at("/spec/caBundle").asText()).isNotEmpty();
    });
    // New pipeline, new certificates: the local aggregator starts from them.
    restartAggregator();
    cluster.kubectl("apply", "-f", cluster.repo().resolve(Pipelines.SAMPLE).toString()).ok();
    Pipelines.awaitReady(cluster);
    assertThat(Pipelines.pipeline(cluster).at("/spec/apiService/takeover").asText()).isEqualTo("Never");
    // The story so far, as `kubectl describe` tells it (this pipeline's Events only).
    String description = cluster.kubectl("describe", "metricspipeline", Pipelines.NAME).ok().stdout();
    assertThat(description.substring(description.indexOf("Events:")))
        .containsPattern("Warning\\s+APIServiceConflict\\s.*pulse-operator\\s+APIService v1beta1.metrics.k8s.io belongs"
            + " to Service kube-system/metrics-server")
        .containsPattern("Normal\\s+CertificatesIssued\\s.*The operator generated a CA")
        .containsPattern("Normal\\s+MetricsAvailable\\s");
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(3))
        .until(() -> cluster.kubectl("top", "nodes").exitCode() == 0);
  }

  @Test
  @Order(3)
  void aStandbyOperatorTakesOverWhenTheLeaderDies() throws Exception {
    Pipelines.awaitReady(cluster);
    cluster.script("up.sh", "--standby-operator");
    try {
      String leader = leaseHolder();
      assertThat(leader).isNotEmpty();
      // Both run and are healthy; only the leader holds the Lease, renewal after renewal.
      await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofSeconds(1))
          .until(() -> leaseHolder().equals(leader));

      cluster.kill("operator");
      await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(1)).until(() -> !leaseHolder().equals(leader));
      // The new leader reconciles: a spec change reaches the Deployment and the status.
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"metricResolution\":\"20s\"}}").ok();
      await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        JsonNode args = cluster.json("get", "deployment", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json")
            .at("/spec/template/spec/containers/0/args");
        assertThat(args.toString()).contains("--metric-resolution=20s");
        JsonNode pipeline = Pipelines.pipeline(cluster);
        assertThat(pipeline.at("/status/observedGeneration").asLong())
            .isEqualTo(pipeline.at("/metadata/generation").asLong());
      });
    } finally {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"metricResolution\":null}}").ok();
      cluster.stop("operator-standby");
      cluster.script("up.sh");
    }
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster)));
  }

  private static String leaseHolder() throws Exception {
    return cluster.kubectl("get", "lease", "-n", "pulse-operator", "pulse-operator", "-o",
        "jsonpath={.spec.holderIdentity}").ok().stdout().strip();
  }

  private static String caCertificate() throws Exception {
    return cluster.kubectl("get", "secret", "-n", Pipelines.NAMESPACE, "pulse-metrics-ca", "-o",
        "jsonpath={.data.ca\\.crt}").ok().stdout();
  }

  /**
   * A new aggregator "pod": up.sh starts it from the current Deployment, Secret and a new token of
   * its ServiceAccount. (Killed, it would come back as the same container, with the token of a
   * ServiceAccount that a deleted pipeline took with it.)
   */
  private static void restartAggregator() throws Exception {
    cluster.stop("aggregator");
    cluster.script("up.sh");
  }
}
