package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real kube-controller-manager's horizontal pod autoscaler, reading Pulse through
 * metrics.k8s.io, scales a simulated Deployment up when its pods' CPU usage rises (kwok reports
 * what the pods' usage annotation says).
 */
@ExtendWith(LocalCluster.Extension.class)
class HorizontalPodAutoscalerE2E {

  private static final String NAMESPACE = "e2e-hpa";
  /** 20 % of the 100m request: the HPA (target 50 %) keeps one replica. */
  private static final String WORKLOAD = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: e2e-hpa}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: spiky, namespace: e2e-hpa}
      spec:
        replicas: 1
        selector: {matchLabels: {app: spiky}}
        template:
          metadata:
            labels: {app: spiky}
            annotations: {kwok.x-k8s.io/usage-cpu: 20m, kwok.x-k8s.io/usage-memory: 64Mi}
          spec:
            containers:
            - name: app
              image: spiky
              resources: {requests: {cpu: 100m, memory: 64Mi}}
      ---
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: spiky, namespace: e2e-hpa}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: spiky}
        minReplicas: 1
        maxReplicas: 3
        metrics:
        - type: Resource
          resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
      """;

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    cluster.kubectlWithInput(WORKLOAD, "apply", "-f", "-").ok();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    cluster.kubectl("delete", "namespace", NAMESPACE, "--wait=false").ok();
  }

  @Test
  void scalesUpWhenTheSimulatedCpuUsageRises() throws Exception {
    // The HPA's first reading comes from Pulse: about 20 % of the request.
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
      JsonNode hpa = hpa();
      assertThat(hpa.at("/status/currentMetrics/0/resource/current/averageUtilization").asInt(-1)).isBetween(15, 25);
      assertThat(hpa.at("/status/desiredReplicas").asInt()).isEqualTo(1);
    });

    cluster.kubectl("annotate", "pods", "-n", NAMESPACE, "-l", "app=spiky", "--overwrite",
        "kwok.x-k8s.io/usage-cpu=250m").ok();

    // 250 % of the request against a 50 % target: as many replicas as allowed.
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() ->
        assertThat(cluster.json("get", "deployment", "-n", NAMESPACE, "spiky", "-o", "json")
            .at("/spec/replicas").asInt()).isEqualTo(3));
    JsonNode hpa = hpa();
    assertThat(hpa.at("/status/conditions").findParents("type").stream()
        .filter(c -> c.path("type").asText().equals("ScalingActive")))
        .singleElement()
        .satisfies(c -> assertThat(c.path("reason").asText()).isEqualTo("ValidMetricFound"));
    assertThat(cluster.kubectl("get", "events", "-n", NAMESPACE, "--field-selector",
        "involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale").ok().stdout())
        .contains("cpu resource utilization (percentage of request) above target");
  }

  private static JsonNode hpa() throws Exception {
    return cluster.json("get", "hpa", "-n", NAMESPACE, "spiky", "-o", "json");
  }
}
