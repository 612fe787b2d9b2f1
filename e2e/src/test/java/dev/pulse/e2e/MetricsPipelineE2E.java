package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The MetricsPipeline as users meet it on a real API server: {@code kubectl wait}, {@code get},
 * admission of bad specs, Pod Security admission, and spec changes rolled out.
 * Leaves the sample pipeline as it found it.
 */
@ExtendWith(LocalCluster.Extension.class)
class MetricsPipelineE2E {

  private static final Duration ROLL_OUT = Duration.ofMinutes(2);

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) {
    cluster = localCluster;
  }

  @Test
  void theSampleBecomesReadyWithEveryObjectOwnedByIt() throws Exception {
    Pipelines.awaitReady(cluster);
    JsonNode pipeline = Pipelines.pipeline(cluster);
    Pipelines.assertReadyAndCurrent(pipeline);
    assertThat(Pipelines.condition(pipeline, "APIServiceAvailable").path("status").asText()).isEqualTo("True");
    assertThat(Pipelines.condition(pipeline, "CertificatesValid").path("status").asText()).isEqualTo("True");
    assertThat(Pipelines.condition(pipeline, "Degraded").path("status").asText()).isEqualTo("False");

    Map<String, JsonNode> objects = Pipelines.managedObjects(cluster);
    assertThat(objects.keySet()).containsExactlyInAnyOrderElementsOf(Pipelines.OBJECTS);
    String uid = pipeline.at("/metadata/uid").asText();
    objects.forEach((key, object) -> {
      if (!key.startsWith("Namespace ")) {
        assertThat(object.at("/metadata/ownerReferences").findValuesAsText("uid")).as("owner of %s", key)
            .containsExactly(uid);
      }
    });
    JsonNode apiService = objects.get("APIService /v1beta1.metrics.k8s.io");
    assertThat(apiService.at("/spec/caBundle").asText()).isNotEmpty();
    assertThat(apiService.at("/spec/insecureSkipTLSVerify").isMissingNode()).isTrue();

    // What `kubectl get mp` shows at a glance; NODES once the operator has read the aggregator's summary.
    await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      String table = cluster.kubectl("get", "mp").ok().stdout();
      assertThat(table.lines().toList()).hasSize(2);
      assertThat(table.lines().toList().get(0).split("\\s+"))
          .containsExactly("NAME", "AGE", "READY", "REASON", "NODES");
      assertThat(table.lines().toList().get(1).split("\\s+")).startsWith("pulse")
          .contains("True", "MetricsAvailable", "3/3");
    });
    assertThat(Pipelines.condition(Pipelines.pipeline(cluster), "NodesScraped").path("status").asText())
        .isEqualTo("True");
  }

  @Test
  void theNamespaceEnforcesRestrictedPodSecurityAndAdmitsTheAggregator() throws Exception {
    JsonNode namespace = cluster.json("get", "namespace", Pipelines.NAMESPACE, "-o", "json");
    assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("restricted");

    LocalCluster.Result privileged = cluster.kubectl("run", "privileged", "-n", Pipelines.NAMESPACE, "--image=busybox",
        "--privileged", "--dry-run=server");
    assertThat(privileged.exitCode()).isNotZero();
    assertThat(privileged.stderr()).contains("violates PodSecurity \"restricted:latest\"");

    JsonNode pods = cluster.json("get", "pods", "-n", Pipelines.NAMESPACE, "-l",
        "app.kubernetes.io/instance=pulse,app.kubernetes.io/component=aggregator", "-o", "json");
    assertThat(pods.path("items")).singleElement().satisfies(pod -> {
      assertThat(pod.at("/status/phase").asText()).isEqualTo("Running");
      assertThat(pod.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    });
    // The ReplicaSet controller would have recorded FailedCreate had admission refused a pod.
    assertThat(cluster.kubectl("get", "events", "-n", Pipelines.NAMESPACE, "--field-selector=reason=FailedCreate",
        "--no-headers").ok().stdout()).doesNotContain("PodSecurity");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{replicas: 0}|spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
      "{metricResolution: 500ms, kubelet: {requestTimeout: 100ms}}"
          + "|spec.metricResolution: Invalid value: \"string\": metricResolution must be at least 1s",
      "{metricResolution: 15 seconds}|spec.metricResolution: Invalid value: \"15 seconds\": spec.metricResolution in"
          + " body should match",
      "{kubelet: {tls: {mode: CustomCA}}}|spec.kubelet.tls.caSecretRef: Invalid value: \"object\":"
          + " kubelet.tls.caSecretRef is required when kubelet.tls.mode is CustomCA",
      "{kubelet: {requestTimeout: 20s}}|spec.kubelet.requestTimeout: Invalid value: \"object\":"
          + " kubelet.requestTimeout must be shorter than metricResolution",
      "{extraArgs: [--secure-port=1]}|spec.extraArgs: Invalid value: \"array\": extraArgs must not set flags the"
          + " operator manages",
      "{apiService: {takeover: Sometimes}}|spec.apiService.takeover: Unsupported value: \"Sometimes\": supported"
          + " values: \"Always\", \"IfOrphaned\", \"Never\"",
  })
  void anInvalidSpecIsRejectedAtAdmissionNamingTheField(String spec, String message) throws Exception {
    LocalCluster.Result apply = cluster.kubectlWithInput("""
        apiVersion: pulse.dev/v1alpha1
        kind: MetricsPipeline
        metadata: {name: invalid}
        spec: %s
        """.formatted(spec), "apply", "--dry-run=server", "-f", "-");
    assertThat(apply.exitCode()).isNotZero();
    assertThat(apply.stderr()).contains("The MetricsPipeline \"invalid\" is invalid").contains(message);
  }

  @Test
  void theNamespaceCannotChangeUnderARunningPipeline() throws Exception {
    LocalCluster.Result patch = cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--dry-run=server",
        "--type=merge", "-p", "{\"spec\":{\"namespace\":\"elsewhere\"}}");
    assertThat(patch.exitCode()).isNotZero();
    assertThat(patch.stderr()).contains("spec.namespace: Invalid value: \"string\": spec.namespace is immutable");
  }

  @Test
  void aPodThatCannotBeScheduledIsNamedInTheStatusWhileTheOldOneServes() throws Exception {
    Pipelines.awaitReady(cluster);
    try {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"nodeSelector\":{\"pulse.dev/e2e\":\"nowhere\"}}}").ok();
      await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        JsonNode pipeline = Pipelines.pipeline(cluster);
        JsonNode degraded = Pipelines.condition(pipeline, "Degraded");
        assertThat(degraded.path("status").asText()).isEqualTo("True");
        assertThat(degraded.path("reason").asText()).isEqualTo("AggregatorNotRunning");
        assertThat(degraded.path("message").asText()).contains("is Unschedulable: 0/3 nodes are available",
            "didn't match Pod's node affinity/selector", "kubectl -n pulse-system describe pods");
        assertThat(Pipelines.condition(pipeline, "Ready").path("status").asText())
            .as("the pod of the previous spec keeps serving").isEqualTo("True");
        assertThat(Pipelines.condition(pipeline, "Progressing").path("reason").asText()).isEqualTo("RollingOut");
      });
    } finally {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"nodeSelector\":null}}").ok();
    }
    await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      JsonNode pipeline = Pipelines.pipeline(cluster);
      Pipelines.assertReadyAndCurrent(pipeline);
      assertThat(Pipelines.condition(pipeline, "Degraded").path("status").asText()).isEqualTo("False");
    });
  }

  @Test
  void twoReplicasSpreadOverNodesWithADisruptionBudgetAndBack() throws Exception {
    Pipelines.awaitReady(cluster);
    try {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", "{\"spec\":{\"replicas\":2}}")
          .ok();
      await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        JsonNode pipeline = Pipelines.pipeline(cluster);
        Pipelines.assertReadyAndCurrent(pipeline);
        assertThat(pipeline.at("/status/readyReplicas").asInt()).isEqualTo(2);
      });
      JsonNode deployment = cluster.json("get", "deployment", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json");
      assertThat(deployment.at("/spec/template/spec/affinity/podAntiAffinity").isMissingNode()).isFalse();
      List<String> nodes = cluster.json("get", "pods", "-n", Pipelines.NAMESPACE, "-l",
              "app.kubernetes.io/component=aggregator", "--field-selector=status.phase=Running", "-o", "json")
          .path("items").findValuesAsText("nodeName");
      assertThat(nodes).doesNotHaveDuplicates();
      JsonNode budget = cluster.json("get", "pdb", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json");
      assertThat(budget.at("/spec/minAvailable").asInt()).isEqualTo(1);
    } finally {
      // Back to the default the CRD fills in.
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"replicas\":null}}").ok();
    }
    await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      JsonNode pipeline = Pipelines.pipeline(cluster);
      assertThat(pipeline.at("/spec/replicas").asInt()).isEqualTo(1);
      Pipelines.assertReadyAndCurrent(pipeline);
      assertThat(cluster.kubectl("get", "pdb", "-n", Pipelines.NAMESPACE, "pulse-metrics").exitCode())
          .as("the budget goes with the second replica").isNotZero();
    });
  }
}
