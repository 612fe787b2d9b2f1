package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kube-apiserver restarted with the aggregation layer as clusters get it wrong (cluster-up.sh's
 * {@code PULSE_APISERVER_AGGREGATION}): not enabled at all, then trusting the cluster CA as the
 * front proxy's. Each time the pipeline's {@code AggregationLayerConfigured}, {@code Ready} or
 * {@code Degraded}, {@code kubectl get mp} and {@code kubectl pulse doctor} say so and how to fix
 * it; restarted as kubeadm sets it up, all clears.
 */
@ExtendWith(LocalCluster.Extension.class)
class AggregationLayerE2E {

  /** kube-apiserver's restart, the ConfigMap rewritten, the operator's next reconcile (every 10 s while not Ready). */
  private static final Duration SEEN = Duration.ofMinutes(2);

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    Pipelines.awaitReady(cluster);
  }

  /** As kubeadm sets it up, whatever happened: the last step of the test unless it failed before. */
  @AfterAll
  static void restore() throws Exception {
    if (cluster != null && !"RequestHeaderCAConfigured".equals(Pipelines.condition(Pipelines.pipeline(cluster),
        "AggregationLayerConfigured").path("reason").asText())) {
      restartKubeApiserver("kubeadm");
      awaitCondition("AggregationLayerConfigured", "True", "RequestHeaderCAConfigured");
      Pipelines.awaitReady(cluster);
    }
  }

  @Test
  void aMissingOrSharedRequestHeaderCaIsReportedAndClearsOnceFixed() throws Exception {
    restartKubeApiserver("off");
    JsonNode missing = awaitCondition("AggregationLayerConfigured", "False", "RequestHeaderCAMissing");
    assertThat(Pipelines.condition(missing, "AggregationLayerConfigured").path("message").asText())
        .contains("not enabled", "--requestheader-client-ca-file", "--proxy-client-cert-file",
            "--enable-aggregator-routing");
    assertThat(Pipelines.condition(missing, "Ready").path("reason").asText()).isEqualTo("RequestHeaderCAMissing");
    assertThat(Pipelines.condition(missing, "Degraded").path("reason").asText()).isEqualTo("RequestHeaderCAMissing");
    assertThat(cluster.kubectl("get", "mp").ok().stdout()).containsPattern("pulse +\\S+ +False +RequestHeaderCAMissing");
    LocalCluster.Result doctor = cluster.awaitDoctor(SEEN, 1, "FAIL      Aggregation layer");
    assertThat(doctor.stdout()).contains("has no requestheader-client-ca-file", "--requestheader-allowed-names");

    // The cluster CA as front-proxy CA, with a proxy-client certificate it signed: kubectl top works.
    restartKubeApiserver("client-ca");
    JsonNode shared = awaitCondition("Degraded", "True", "RequestHeaderCAIsClientCA");
    assertThat(Pipelines.condition(shared, "AggregationLayerConfigured").path("message").asText())
        .contains("also the client CA", "as anyone, system:masters included", "(front-proxy-client)",
            "front-proxy-ca");
    assertThat(Pipelines.condition(shared, "AggregationLayerConfigured").path("status").asText()).isEqualTo("False");
    doctor = cluster.awaitDoctor(SEEN, 0, "WARN      Aggregation layer");
    assertThat(doctor.stdout()).contains("also the client CA", "kubectl top should work.");

    restartKubeApiserver("kubeadm");
    JsonNode fixed = awaitCondition("AggregationLayerConfigured", "True", "RequestHeaderCAConfigured");
    assertThat(Pipelines.condition(fixed, "Degraded").path("reason").asText()).isEqualTo("AsExpected");
    cluster.awaitDoctor(SEEN, 0, "PASS      Aggregation layer");
  }

  /**
   * kube-apiserver adds its CAs to what the ConfigMap holds (the other members of an HA control
   * plane keep theirs there), so only a fresh ConfigMap, which it writes again at once, shows the
   * new flags alone.
   */
  private static void restartKubeApiserver(String aggregation) throws Exception {
    cluster.script(Map.of("PULSE_APISERVER_AGGREGATION", aggregation), "cluster-up.sh", "--restart", "kube-apiserver");
    cluster.kubectl("delete", "configmap", "-n", "kube-system", "extension-apiserver-authentication").ok();
    await().atMost(SEEN).pollInterval(Duration.ofSeconds(1)).until(() -> cluster.kubectl("get", "configmap", "-n",
        "kube-system", "extension-apiserver-authentication").exitCode() == 0);
  }

  private static JsonNode awaitCondition(String type, String status, String reason) {
    JsonNode[] pipeline = new JsonNode[1];
    await().atMost(SEEN).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      pipeline[0] = Pipelines.pipeline(cluster);
      JsonNode condition = Pipelines.condition(pipeline[0], type);
      assertThat(condition.path("status").asText()).as(type + ": " + condition.path("message").asText())
          .isEqualTo(status);
      assertThat(condition.path("reason").asText()).as(type + ": " + condition.path("message").asText())
          .isEqualTo(reason);
    });
    return pipeline[0];
  }
}
