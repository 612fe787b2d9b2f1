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
      "{hostNetwork: yes please}|spec.hostNetwork: Invalid value: \"string\": spec.hostNetwork in body must be of"
          + " type boolean",
      "{hostNetwork: true, securePort: 10250}|spec.securePort: Invalid value: \"object\": securePort must not be the"
          + " kubelet",
      "{hostNetwork: true, kubelet: {port: 4443}}|spec.securePort: Invalid value: \"object\": securePort must not be"
          + " the kubelet",
      "{securePort: 443}|spec.securePort: Invalid value: 443: spec.securePort in body should be greater than or equal"
          + " to 1024",
      "{imagePullSecrets: [{}]}|spec.imagePullSecrets: Invalid value: \"array\": imagePullSecrets: every entry needs"
          + " the name of a Secret",
      "{affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: 3}}}"
          + "|spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution: Invalid value: \"integer\"",
      "{topologySpreadConstraints: [{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]}"
          + "|spec.topologySpreadConstraints: Invalid value: \"array\": topologySpreadConstraints: every entry needs"
          + " maxSkew of at least 1",
      "{podLabels: {app.kubernetes.io/instance: other}}|spec.podLabels: Invalid value: \"object\": podLabels must"
          + " not set app.kubernetes.io/instance:",
      "{podLabels: {pulse.dev/tier: a}}|spec.podLabels: Invalid value: \"object\": podLabels must not set"
          + " pulse.dev/tier:",
      "{podLabels: {\"bad key!\": a}}|spec.podLabels: Invalid value: \"object\": podLabels: every key must be a"
          + " label key",
      "{podLabels: {team: \"bad value!\"}}|spec.podLabels.team: Invalid value: \"bad value!\": spec.podLabels.team"
          + " in body should match",
      "{podAnnotations: {kubectl.kubernetes.io/default-container: other}}|spec.podAnnotations: Invalid value:"
          + " \"object\": podAnnotations must not set kubectl.kubernetes.io/default-container:",
      "{podAnnotations: {a/b/c: x}}|spec.podAnnotations: Invalid value: \"object\": podAnnotations: every key must"
          + " be an annotation key",
      "{serviceAnnotations: {\"/x\": x}}|spec.serviceAnnotations: Invalid value: \"object\": serviceAnnotations:"
          + " every key must be an annotation key",
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

  /**
   * hostNetwork as on a cluster whose control plane cannot reach pods: the pods on the nodes'
   * network off the kubelet's port, the APIService still verifying the serving certificate; and
   * every setting removed again. The namespace existed before the pipeline (the operator's Role is
   * there), so the operator leaves its labels alone: the admin relaxes it to privileged and no
   * further, as the docs say, and restores it afterwards.
   */
  @Test
  void hostNetworkAndPodSettingsRollOutAndBack() throws Exception {
    Pipelines.awaitReady(cluster);
    try {
      podSecurity("privileged");
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", """
          {"spec": {"hostNetwork": true, "podLabels": {"team": "metrics", "tier": "infra"},
           "podAnnotations": {"example.com/owner": "sre"}, "serviceAnnotations": {"example.com/lb": "internal"},
           "imagePullSecrets": [{"name": "mirror"}],
           "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
             "whenUnsatisfiable": "ScheduleAnyway"}]}}""").ok();
      await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        JsonNode pipeline = Pipelines.pipeline(cluster);
        Pipelines.assertReadyAndCurrent(pipeline);
        assertThat(pipeline.at("/status/podSecurity").asText()).startsWith("privileged: spec.hostNetwork is true");
        assertThat(Pipelines.condition(pipeline, "APIServiceAvailable").path("status").asText()).isEqualTo("True");
      });
      JsonNode deployment = cluster.json("get", "deployment", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json");
      JsonNode pod = deployment.at("/spec/template/spec");
      assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
      assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
      JsonNode port = pod.at("/containers/0/ports/0");
      assertThat(port.path("containerPort").asInt()).isEqualTo(4443);
      assertThat(port.path("hostPort").asInt()).isEqualTo(4443);
      assertThat(pod.at("/containers/0/args").toString()).contains("--secure-port=4443");
      assertThat(pod.at("/imagePullSecrets/0/name").asText()).isEqualTo("mirror");
      assertThat(pod.at("/topologySpreadConstraints/0/labelSelector/matchLabels/app.kubernetes.io~1instance").asText())
          .isEqualTo(Pipelines.NAME);
      assertThat(deployment.at("/spec/template/metadata/labels/team").asText()).isEqualTo("metrics");
      assertThat(deployment.at("/spec/template/metadata/annotations/example.com~1owner").asText()).isEqualTo("sre");
      JsonNode service = cluster.json("get", "service", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json");
      assertThat(service.at("/metadata/annotations/example.com~1lb").asText()).isEqualTo("internal");

      JsonNode namespace = cluster.json("get", "namespace", Pipelines.NAMESPACE, "-o", "json");
      assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("privileged");
      assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1audit").asText()).isEqualTo("restricted");
      JsonNode pods = cluster.json("get", "pods", "-n", Pipelines.NAMESPACE, "-l",
          "app.kubernetes.io/instance=pulse,app.kubernetes.io/component=aggregator,team=metrics", "-o", "json");
      assertThat(pods.path("items")).isNotEmpty().allSatisfy(running -> {
        assertThat(running.at("/spec/hostNetwork").asBoolean()).isTrue();
        assertThat(running.at("/status/phase").asText()).isEqualTo("Running");
      });

      // One label and the pod annotation go: gone from the pods' template too.
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\": {\"podLabels\": {\"tier\": null}, \"podAnnotations\": null}}").ok();
      await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        JsonNode template = cluster.json("get", "deployment", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json")
            .at("/spec/template/metadata");
        assertThat(template.at("/labels/team").asText()).isEqualTo("metrics");
        assertThat(template.at("/labels/tier").isMissingNode()).isTrue();
        assertThat(template.at("/annotations/example.com~1owner").isMissingNode()).isTrue();
      });
    } finally {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", """
          {"spec": {"hostNetwork": null, "podLabels": null, "podAnnotations": null, "serviceAnnotations": null,
           "imagePullSecrets": null, "topologySpreadConstraints": null}}""").ok();
      podSecurity("restricted");
    }
    await().atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      JsonNode pipeline = Pipelines.pipeline(cluster);
      Pipelines.assertReadyAndCurrent(pipeline);
      assertThat(pipeline.at("/status/podSecurity").asText()).startsWith("restricted:");
      JsonNode namespace = cluster.json("get", "namespace", Pipelines.NAMESPACE, "-o", "json");
      assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("restricted");
      JsonNode deployment = cluster.json("get", "deployment", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json");
      assertThat(deployment.at("/spec/template/spec/hostNetwork").isMissingNode()).isTrue();
      assertThat(deployment.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt()).isEqualTo(10250);
      assertThat(deployment.at("/spec/template/metadata/labels/team").isMissingNode()).isTrue();
      assertThat(cluster.json("get", "service", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json")
          .at("/metadata/annotations/example.com~1lb").isMissingNode()).isTrue();
    });
  }

  /** What an admin runs on a namespace the operator did not create: enforce and warn, audit stays. */
  private static void podSecurity(String level) throws Exception {
    cluster.kubectl("label", "--overwrite", "namespace", Pipelines.NAMESPACE,
        "pod-security.kubernetes.io/enforce=" + level, "pod-security.kubernetes.io/warn=" + level).ok();
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
