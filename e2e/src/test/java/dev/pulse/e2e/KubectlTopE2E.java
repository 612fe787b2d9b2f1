package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a user of kubectl top and the HPA relies on, through a real kube-apiserver's aggregation
 * layer (front-proxy CA, APIService with caBundle) to the Pulse aggregator scraping kwok's
 * simulated kubelets over TLS verified with the cluster CA.
 */
@ExtendWith(LocalCluster.Extension.class)
class KubectlTopE2E {

  /** kwok reports each container at its pod's annotation; the scrape window adds jitter. */
  private static final double TOLERANCE = 0.05;
  private static final Pattern MILLICORES = Pattern.compile("(\\d+)m");

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) {
    cluster = localCluster;
  }

  /** Expected CPU of every running pod, in millicores: its annotation times its containers. */
  private static Map<String, Long> expectedPodMillicores() throws Exception {
    Map<String, Long> expected = new HashMap<>();
    for (JsonNode pod : cluster.json("get", "pods", "-A", "--field-selector=status.phase=Running", "-o", "json")
        .path("items")) {
      String annotation = pod.at("/metadata/annotations").path("kwok.x-k8s.io/usage-cpu").asText("1m");
      Matcher m = MILLICORES.matcher(annotation);
      assertThat(m.matches()).as("usage annotation %s", annotation).isTrue();
      long perContainer = Long.parseLong(m.group(1));
      expected.put(pod.at("/metadata/namespace").asText() + "/" + pod.at("/metadata/name").asText(),
          perContainer * pod.at("/spec/containers").size());
    }
    return expected;
  }

  private static long millicores(String quantity) {
    Matcher m = MILLICORES.matcher(quantity);
    assertThat(m.matches()).as("kubectl top CPU %s", quantity).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void topPodsListsEveryRunningPodWithItsSimulatedUsage() throws Exception {
    Map<String, Long> expected = expectedPodMillicores();
    Map<String, Long> shown = eventuallyAllPods(expected.size());

    assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((pod, millicores) -> assertThat((double) shown.get(pod)).as("CPU of %s", pod)
        .isCloseTo(millicores, Offset.offset(Math.max(1.0, millicores * TOLERANCE))));
  }

  private static Map<String, Long> eventuallyAllPods(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Map<String, Long> shown = new HashMap<>();
    while (System.nanoTime() < deadline) {
      shown.clear();
      LocalCluster.Result top = cluster.kubectl("top", "pods", "-A", "--no-headers");
      if (top.exitCode() == 0) {
        for (String line : top.stdout().strip().split("\n")) {
          String[] cells = line.trim().split("\\s+");
          shown.put(cells[0] + "/" + cells[1], millicores(cells[2]));
        }
        if (shown.size() >= count) {
          return shown;
        }
      }
      Thread.sleep(3000);
    }
    return shown;
  }

  @Test
  void topNodesShowsEveryNodeAsTheSumOfItsPods() throws Exception {
    Map<String, Long> podCpu = expectedPodMillicores();
    Map<String, Long> expected = new HashMap<>();
    for (JsonNode node : cluster.json("get", "nodes", "-o", "json").path("items")) {
      expected.put(node.at("/metadata/name").asText(), 0L);
    }
    for (JsonNode pod : cluster.json("get", "pods", "-A", "--field-selector=status.phase=Running", "-o", "json")
        .path("items")) {
      String key = pod.at("/metadata/namespace").asText() + "/" + pod.at("/metadata/name").asText();
      expected.merge(pod.at("/spec/nodeName").asText(), podCpu.get(key), Long::sum);
    }

    LocalCluster.Result top = cluster.kubectl("top", "nodes", "--no-headers").ok();
    Map<String, Long> shown = new HashMap<>();
    for (String line : top.stdout().strip().split("\n")) {
      String[] cells = line.trim().split("\\s+");
      shown.put(cells[0], millicores(cells[1]));
    }

    assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((node, millicores) -> assertThat((double) shown.get(node)).as("CPU of %s", node)
        .isCloseTo(millicores, Offset.offset(Math.max(2.0, millicores * TOLERANCE))));
  }

  @Test
  void selectorsAndTablesWorkThroughTheAggregationLayer() throws Exception {
    LocalCluster.Result frontend =
        cluster.kubectl("top", "pods", "-n", "shop", "-l", "app=frontend", "--no-headers").ok();
    assertThat(frontend.stdout().strip().split("\n")).hasSize(3)
        .allSatisfy(line -> assertThat(line).startsWith("frontend-"));

    LocalCluster.Result table = cluster.kubectl("get", "nodemetrics").ok();
    assertThat(table.stdout().lines().findFirst().orElseThrow()).matches("NAME\\s+CPU\\s+MEMORY\\s+WINDOW\\s*");

    JsonNode nodes = cluster.json("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes");
    assertThat(nodes.path("kind").asText()).isEqualTo("NodeMetricsList");
    JsonNode first = nodes.path("items").get(0);
    assertThat(first.at("/usage/cpu").asText()).matches("\\d+n|\\d+[um]?");
    assertThat(first.at("/usage/memory").asText()).matches("\\d+(Ki|Mi|Gi)?");
    assertThat(first.path("window").asText()).matches("\\d+(\\.\\d+)?s");

    String pod = cluster.kubectl("get", "pods", "-n", "batch", "-l", "app=worker", "-o",
        "jsonpath={.items[0].metadata.name}").ok().stdout();
    JsonNode podMetrics = cluster.json("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/batch/pods/" + pod);
    assertThat(podMetrics.path("kind").asText()).isEqualTo("PodMetrics");
    assertThat(podMetrics.at("/containers/0/name").asText()).isEqualTo("worker");

    LocalCluster.Result missing = cluster.kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/no-such-node");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.stderr()).contains("node \"no-such-node\" not found");
  }

  @Test
  void everyPathOfTheApiAnswersThroughKubeApiserver() throws Exception {
    JsonNode group = cluster.json("get", "--raw", "/apis/metrics.k8s.io");
    assertThat(group.path("kind").asText()).isEqualTo("APIGroup");
    assertThat(group.at("/preferredVersion/groupVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
    JsonNode resources = cluster.json("get", "--raw", "/apis/metrics.k8s.io/v1beta1");
    assertThat(resources.path("kind").asText()).isEqualTo("APIResourceList");
    assertThat(resources.path("resources").findValuesAsText("name")).containsExactlyInAnyOrder("nodes", "pods");

    String node = cluster.kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().stdout();
    JsonNode nodeMetrics = cluster.json("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/" + node);
    assertThat(nodeMetrics.path("kind").asText()).isEqualTo("NodeMetrics");
    assertThat(nodeMetrics.at("/metadata/name").asText()).isEqualTo(node);

    // A pod shows once two scrapes have seen it: the aggregator's own pod is new whenever an earlier
    // test rolled its Deployment, the workloads of make up are not.
    Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
      JsonNode allPods = cluster.json("get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods");
      assertThat(allPods.path("kind").asText()).isEqualTo("PodMetricsList");
      assertThat(allPods.path("items").findValuesAsText("namespace")).contains("shop", "batch", "pulse-system");
      assertThat(allPods.path("items").size()).isGreaterThanOrEqualTo(9);
    });
    JsonNode shop = cluster.json("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods");
    assertThat(shop.path("items").findValuesAsText("namespace")).hasSize(5).containsOnly("shop");
  }

  @Test
  void rbacDecidesWhoMayReadMetrics() throws Exception {
    LocalCluster.Result nobody = cluster.kubectl("--as=nobody", "get", "--raw",
        "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods");
    assertThat(nobody.exitCode()).isNotZero();
    assertThat(nobody.stderr()).contains("pods.metrics.k8s.io is forbidden: User \"nobody\" cannot list resource"
        + " \"pods\" in API group \"metrics.k8s.io\" in the namespace \"shop\"");

    cluster.kubectl("create", "rolebinding", "e2e-viewer", "-n", "shop", "--clusterrole=view", "--user=e2e-viewer");
    // RBAC, then Pulse's authorization cache (10 s for denials), may take a moment to agree.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    LocalCluster.Result viewer;
    do {
      viewer = cluster.kubectl("--as=e2e-viewer", "top", "pods", "-n", "shop", "--no-headers");
      if (viewer.exitCode() == 0) {
        break;
      }
      Thread.sleep(2000);
    } while (System.nanoTime() < deadline);
    assertThat(viewer.exitCode()).as(viewer.stderr()).isZero();
    assertThat(viewer.stdout().lines().toList()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(cluster.kubectl("--as=e2e-viewer", "get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/batch/pods")
        .exitCode()).as("the view role was bound in shop only").isNotZero();
  }

  @Test
  void theApiServiceIsAvailableAndVerifiedWithItsCaBundle() throws Exception {
    JsonNode apiService = cluster.json("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json");
    assertThat(apiService.at("/spec/insecureSkipTLSVerify").asBoolean(false)).isFalse();
    assertThat(apiService.at("/spec/caBundle").asText()).isNotEmpty();
    List<JsonNode> available = apiService.at("/status/conditions").findParents("type").stream()
        .filter(c -> c.path("type").asText().equals("Available")).toList();
    assertThat(available).singleElement().satisfies(c -> assertThat(c.path("status").asText()).isEqualTo("True"));
  }
}
