package dev.pulse.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * Nodes the tests add to the cluster: kwok "runs" a Node annotated {@code kwok.x-k8s.io/node: fake}
 * and serves its kubelet's {@code /metrics/resource} under the annotated path, like make up's nodes.
 */
final class KwokNodes {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Whose node it is, for a delete-collection by label selector. */
  static final String E2E_LABEL = "pulse.dev/e2e";

  private KwokNodes() {}

  /** A kwok node named {@code name}, labelled {@value #E2E_LABEL}={@code owner}. */
  static ObjectNode node(String name, String owner) {
    ObjectNode node = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
    ObjectNode metadata = node.putObject("metadata").put("name", name);
    metadata.putObject("annotations").put("kwok.x-k8s.io/node", "fake")
        .put("metrics.k8s.io/resource-metrics-path", "/metrics/nodes/" + name + "/metrics/resource")
        .put("node.alpha.kubernetes.io/ttl", "0");
    metadata.putObject("labels").put("type", "kwok").put(E2E_LABEL, owner).put("kubernetes.io/hostname", name)
        .put("kubernetes.io/os", "linux");
    ObjectNode capacity = JSON.createObjectNode().put("cpu", "4").put("memory", "16Gi").put("pods", "110");
    node.putObject("status").<ObjectNode>set("capacity", capacity).set("allocatable", capacity.deepCopy());
    return node;
  }

  /** {@code items} as one List: one kubectl call creates a thousand of them within seconds. */
  static String list(List<ObjectNode> items) throws JsonProcessingException {
    ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
    ArrayNode array = list.putArray("items");
    items.forEach(array::add);
    return JSON.writeValueAsString(list);
  }

  /**
   * Applies one kwok node named {@code name}, with a pod of its own: kwok reports a node's usage as
   * the sum of its pods', and a node without pods has a working set of 0, which leaves it out of
   * the metrics API. Remove both with {@link #delete}.
   */
  static void apply(LocalCluster cluster, String name, String owner) throws IOException, InterruptedException {
    ObjectNode pod = pod(agent(name), "default", name, "5m", "24Mi");
    ((ObjectNode) pod.get("metadata")).putObject("labels").put(E2E_LABEL, owner);
    cluster.kubectlWithInput(list(List.of(node(name, owner), pod)), "apply", "-f", "-").ok();
  }

  /** A pod bound to {@code node} whose one container kwok reports as using {@code cpu} and {@code memory}. */
  static ObjectNode pod(String name, String namespace, String node, String cpu, String memory) {
    ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", name).put("namespace", namespace).putObject("annotations")
        .put("kwok.x-k8s.io/usage-cpu", cpu).put("kwok.x-k8s.io/usage-memory", memory);
    ObjectNode spec = pod.putObject("spec").put("nodeName", node);
    spec.putArray("containers").addObject().put("name", "app").put("image", "registry.k8s.io/pause:3.10");
    return pod;
  }

  /**
   * Deletes what {@link #apply} created; the pod first and at once, since a pod outlives its node
   * until the pod garbage collector finds it, and would count as a running pod meanwhile.
   */
  static void delete(LocalCluster cluster, String name) throws IOException, InterruptedException {
    deletePod(cluster, name);
    cluster.kubectl("delete", "node", name, "--ignore-not-found").ok();
  }

  /** Deletes the node's pod, leaving the node without usage; {@link #apply} brings it back. */
  static void deletePod(LocalCluster cluster, String name) throws IOException, InterruptedException {
    cluster.kubectl("delete", "pod", "-n", "default", agent(name), "--ignore-not-found", "--grace-period=0",
        "--force").ok();
  }

  private static String agent(String node) {
    return node + "-agent";
  }

  /** Points the node's status at a kubelet on {@code port}, as a kubelet started on another port would. */
  static void moveKubeletPort(LocalCluster cluster, String name, int port) throws IOException, InterruptedException {
    cluster.kubectl("patch", "node", name, "--subresource=status", "--type=merge", "-p",
        "{\"status\":{\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + port + "}}}}").ok();
  }
}
