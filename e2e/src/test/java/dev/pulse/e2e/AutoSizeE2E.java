package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * spec.autoSize on the real control plane: the aggregator reports the nodes it scrapes, the operator
 * sizes the Deployment along the measured line, and a fleet that grows from 3 to 1,000 kwok nodes in
 * one go, then shrinks back, changes the Deployment once each way (after the count held for the
 * stabilization minute), never at every reading in between.
 */
@ExtendWith(LocalCluster.Extension.class)
class AutoSizeE2E {

  private static final int FLEET = 1_000;
  /** A reading every 15 s, the stabilization minute, then a reconcile and the Deployment write. */
  private static final Duration RESIZED = Duration.ofMinutes(3);
  /** The defaults' line: base 50m, 180Mi, limit 264Mi; per node 50u, 225Ki, limit 256Ki. */
  private static final List<String> THREE_NODES = List.of("51m", "181Mi", "265Mi");
  private static final List<String> THOUSAND_NODES = List.of("100m", "400Mi", "514Mi");

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) throws IOException, InterruptedException {
    cluster = localCluster;
    cleanUp();
    Pipelines.awaitReady(cluster);
  }

  @AfterAll
  static void cleanUp() throws IOException, InterruptedException {
    cluster.kubectl("delete", "--raw", "/api/v1/nodes?labelSelector=pulse.dev%2Fe2e%3Dautosize").ok();
    cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", "{\"spec\":{\"autoSize\":null}}")
        .ok();
  }

  @Test
  void growingAndShrinkingTheFleetResizesTheAggregatorOnceEachWay() throws Exception {
    // The operator's first reading of the aggregator's node summary follows Ready by up to 15 s.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(Pipelines.pipeline(cluster).at("/status/nodes/selected").asInt()).as("make up's kwok nodes")
            .isEqualTo(3));
    cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
        "{\"spec\":{\"autoSize\":{\"enabled\":true}}}").ok();
    // The first count is taken at once.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(resources()).isEqualTo(THREE_NODES);
      assertThat(Pipelines.pipeline(cluster).at("/status/autoSize/nodes").asInt()).isEqualTo(3);
    });
    assertThat(Pipelines.pipeline(cluster).at("/status/autoSize/message").asText())
        .contains("Sized for 3 nodes: requests cpu 51m, memory 181Mi; memory limit 265Mi");

    List<List<String>> grown = resizeWhile(() -> cluster.kubectlWithInput(fleet(FLEET - 3), "create", "-f", "-").ok(),
        FLEET, THOUSAND_NODES);
    assertThat(grown).as("the container's resources as the Deployment went through them")
        .containsExactly(THREE_NODES, THOUSAND_NODES);

    List<List<String>> shrunk = resizeWhile(() -> cluster.kubectl("delete", "--raw",
        "/api/v1/nodes?labelSelector=pulse.dev%2Fe2e%3Dautosize").ok(), 3, THREE_NODES);
    assertThat(shrunk).containsExactly(THOUSAND_NODES, THREE_NODES);
    Pipelines.awaitReady(cluster);
  }

  @Test
  void invalidSettingsAreRefusedNamingTheField() throws IOException, InterruptedException {
    LocalCluster.Result quantity = cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--dry-run=server",
        "--type=merge", "-p", "{\"spec\":{\"autoSize\":{\"perNode\":{\"memory\":\"a lot\"}}}}");
    assertThat(quantity.exitCode()).isNotZero();
    assertThat(quantity.stderr()).contains("spec.autoSize.perNode.memory");
    LocalCluster.Result tolerance = cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--dry-run=server",
        "--type=merge", "-p", "{\"spec\":{\"autoSize\":{\"tolerancePercent\":0}}}");
    assertThat(tolerance.exitCode()).isNotZero();
    assertThat(tolerance.stderr()).contains("spec.autoSize.tolerancePercent");
  }

  interface Change {
    void apply() throws Exception;
  }

  /**
   * Applies {@code change} and watches the Deployment until the pipeline reports being sized for
   * {@code nodes} with {@code expected}: returns each distinct resources it saw, in order, and
   * checks that the Deployment's spec was written once (one generation).
   */
  private static List<List<String>> resizeWhile(Change change, int nodes, List<String> expected) throws Exception {
    long generation = deployment().at("/metadata/generation").asLong();
    List<List<String>> seen = new ArrayList<>(List.of(resources()));
    change.apply();
    long start = System.nanoTime();
    JsonNode pending = null;
    while (true) {
      List<String> now = resources();
      if (!now.equals(seen.get(seen.size() - 1))) {
        seen.add(now);
      }
      JsonNode autoSize = Pipelines.pipeline(cluster).at("/status/autoSize");
      if (pending == null && autoSize.has("pendingNodes")) {
        pending = autoSize;
      }
      if (autoSize.path("nodes").asInt() == nodes && now.equals(expected)) {
        break;
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("resized for %d nodes; last status %s", nodes,
          autoSize).isLessThan(RESIZED);
      Thread.sleep(1000);
    }
    System.out.printf("autosize: %d nodes, resources %s after %ds; pending first seen as %s%n", nodes, expected,
        Duration.ofNanos(System.nanoTime() - start).toSeconds(), pending);
    assertThat(pending).as("a pending change reported before it was applied").isNotNull();
    assertThat(deployment().at("/metadata/generation").asLong()).as("Deployment spec writes").isEqualTo(generation + 1);
    return seen;
  }

  /** The aggregator container's cpu and memory requests and memory limit, as the Deployment has them. */
  private static List<String> resources() throws IOException, InterruptedException {
    JsonNode resources = deployment().at("/spec/template/spec/containers/0/resources");
    return List.of(resources.at("/requests/cpu").asText(), resources.at("/requests/memory").asText(),
        resources.at("/limits/memory").asText());
  }

  private static JsonNode deployment() throws IOException, InterruptedException {
    return cluster.json("get", "deployment", "pulse-metrics", "-n", Pipelines.NAMESPACE, "-o", "json");
  }

  /** {@code count} kwok nodes in one List, labelled for the delete-collection that removes them. */
  private static String fleet(int count) throws IOException {
    List<ObjectNode> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(KwokNodes.node("autosize-node-" + i, "autosize"));
    }
    return KwokNodes.list(nodes);
  }
}
