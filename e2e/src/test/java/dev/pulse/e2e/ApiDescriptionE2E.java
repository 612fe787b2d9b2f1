package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What clients learn about metrics.k8s.io from the API's own description: kube-apiserver merges
 * Pulse's OpenAPI documents into its own, {@code kubectl explain} reads them from there.
 */
@ExtendWith(LocalCluster.Extension.class)
class ApiDescriptionE2E {

  private static final String GROUP = "v1beta1.metrics.k8s.io";
  /** kube-aggregator re-downloads a loaded OpenAPI document every minute. */
  private static final Duration RECHECK = Duration.ofSeconds(65);

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) {
    cluster = localCluster;
  }

  /** kubectl 1.27 is the oldest the Google Cloud SDK ships; explain reads OpenAPI v3 on both. */
  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.33"})
  void kubectlExplainDescribesPodAndNodeMetrics(String version) throws Exception {
    String kubectl = Path.of(LocalCluster.KUBECTL).resolveSibling("kubectl." + version).toString();
    assertThat(Path.of(kubectl)).as("kubectl %s from the Google Cloud SDK", version).isExecutable();
    String pods = run(kubectl, "explain", "podmetrics.containers");
    assertThat(pods).contains("KIND:", "PodMetrics", "FIELD: containers", "usage", "name");
    String nodes = run(kubectl, "explain", "nodemetrics");
    assertThat(nodes).contains("NodeMetrics", "timestamp", "usage", "window");
  }

  @Test
  void kubeApiserverAggregatesTheDescriptionWithoutErrors() throws Exception {
    // The aggregation controller fetches the documents once the APIService is Available, and
    // retries a failure with a growing back-off (an earlier test may have restarted the aggregator).
    Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode v2 = cluster.json("get", "--raw", "/openapi/v2");
      assertThat(v2.path("definitions").has("io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics")).isTrue();
      assertThat(v2.path("paths").has("/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods")).isTrue();
      JsonNode v3 = cluster.json("get", "--raw", "/openapi/v3");
      assertThat(v3.path("paths").has("apis/metrics.k8s.io/v1beta1")).isTrue();
    });
    JsonNode v3Group = cluster.json("get", "--raw", "/openapi/v3/apis/metrics.k8s.io/v1beta1");
    assertThat(v3Group.path("components").path("schemas").has("io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics"))
        .isTrue();

    // Loaded: from now on, the controller's once-a-minute re-check must find nothing to complain about.
    Path log = cluster.repo().resolve(".pulse/logs/kube-apiserver.log");
    long loadedAt = Files.size(log);
    Awaitility.await().during(RECHECK).atMost(RECHECK.plusSeconds(10)).pollInterval(Duration.ofSeconds(5))
        .until(() -> openApiErrorsSince(log, loadedAt).isEmpty());
    assertThat(openApiErrorsSince(log, loadedAt)).as("kube-apiserver's OpenAPI errors about %s", GROUP).isEmpty();
  }

  /** Error and warning lines of kube-apiserver about the group's OpenAPI, logged after {@code offset}. */
  private static List<String> openApiErrorsSince(Path log, long offset) throws Exception {
    byte[] all = Files.readAllBytes(log);
    String added = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    return added.lines()
        .filter(line -> line.startsWith("E") || line.startsWith("W") || line.startsWith("\t"))
        .filter(line -> line.contains(GROUP))
        .toList();
  }

  private static String run(String kubectl, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", cluster.kubeconfig().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }
}
