package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sample MetricsPipeline of {@code make up} and what the operator makes of it, as the real API
 * server stores it. Names are the operator's ({@code operator/.../model/Names.java}); repeating
 * them here is the point: a rename that breaks a user's runbook breaks this test too.
 */
final class Pipelines {

  static final String NAME = "pulse";
  static final String NAMESPACE = "pulse-system";
  static final String SAMPLE = "config/samples/metricspipeline.yaml";
  /** Every kind the operator creates, for one {@code kubectl get}. */
  private static final String KINDS = "namespaces,serviceaccounts,services,deployments,secrets,poddisruptionbudgets,"
      + "clusterroles,clusterrolebindings,rolebindings,apiservices";
  private static final String SELECTOR = "app.kubernetes.io/managed-by=pulse-operator,app.kubernetes.io/instance=" + NAME;

  /**
   * What one replica of the sample pipeline consists of: "Kind namespace/name" (namespace empty
   * when cluster-scoped). Not the namespace: the operator may only work in one it was granted, so
   * it exists before the pipeline (e2e/lib/pulse.sh creates it as an OLM user or install.yaml would).
   */
  static final Set<String> OBJECTS = Set.of(
      "ServiceAccount pulse-system/pulse-metrics",
      "Service pulse-system/pulse-metrics",
      "Deployment pulse-system/pulse-metrics",
      "Secret pulse-system/pulse-metrics-ca",
      "Secret pulse-system/pulse-metrics-serving",
      "ClusterRole /pulse:metrics-aggregator",
      "ClusterRole /system:aggregated-metrics-reader",
      "ClusterRoleBinding /pulse:metrics-aggregator",
      "ClusterRoleBinding /pulse:metrics-aggregator:auth-delegator",
      "RoleBinding kube-system/pulse-metrics-auth-reader",
      "APIService /v1beta1.metrics.k8s.io");

  private Pipelines() {}

  /** The managed objects by "Kind namespace/name", each as stored. */
  static Map<String, JsonNode> managedObjects(LocalCluster cluster) throws IOException, InterruptedException {
    Map<String, JsonNode> objects = new TreeMap<>();
    for (JsonNode item : cluster.json("get", KINDS, "-A", "-l", SELECTOR, "-o", "json").path("items")) {
      objects.put(item.path("kind").asText() + " " + item.at("/metadata/namespace").asText("") + "/"
          + item.at("/metadata/name").asText(), item);
    }
    return objects;
  }

  static Map<String, String> uids(Map<String, JsonNode> objects) {
    Map<String, String> uids = new TreeMap<>();
    objects.forEach((key, object) -> uids.put(key, object.at("/metadata/uid").asText()));
    return uids;
  }

  static JsonNode pipeline(LocalCluster cluster) throws IOException, InterruptedException {
    return cluster.json("get", "metricspipeline", NAME, "-o", "json");
  }

  /** The condition of {@code type}, or a missing node. */
  static JsonNode condition(JsonNode pipeline, String type) {
    for (JsonNode condition : pipeline.at("/status/conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return pipeline.path("no-such-condition");
  }

  /** {@code kubectl wait} for Ready, the way users and scripts wait. */
  static void awaitReady(LocalCluster cluster) throws IOException, InterruptedException {
    LocalCluster.Result wait = cluster.kubectl("wait", "--for=condition=Ready", "metricspipeline/" + NAME,
        "--timeout=150s");
    assertThat(wait.exitCode()).as("kubectl wait Ready: %s %s", wait.stderr(), wait.stdout()).isZero();
  }

  /** Ready, and the status describes the current generation. */
  static void assertReadyAndCurrent(JsonNode pipeline) {
    assertThat(condition(pipeline, "Ready").path("status").asText()).isEqualTo("True");
    assertThat(pipeline.at("/status/observedGeneration").asLong()).isEqualTo(pipeline.at("/metadata/generation").asLong());
  }
}
