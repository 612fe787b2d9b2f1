package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.api.selector.SelectorException;
import dev.pulse.metrics.api.types.Status;
import dev.pulse.metrics.api.types.Timestamps;
import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.cluster.LeanNode;
import dev.pulse.metrics.cluster.PodMeta;
import dev.pulse.metrics.storage.ContainerSample;
import dev.pulse.metrics.storage.KubeletReport;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.storage.NodeSample;
import dev.pulse.metrics.testing.NodesOnlyCluster;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics.k8s.io API end to end from the store: a real {@link MetricsStore} fed by two kubelet
 * reports per node 15 s apart, a fixed cluster, a fixed clock, and responses serialised by a
 * plain Jackson mapper (what the server does) and compared with the exact JSON metrics-server
 * sends, key order included. Expected values are worked out by hand from metrics-server.md §2 and
 * Go's quantity/duration rules; see the comment on each fixture.
 */
class MetricsApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String V1BETA1 = "/apis/metrics.k8s.io/v1beta1";
  private static final String KUBECTL_GET = "application/json;as=Table;v=v1;g=meta.k8s.io,"
      + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
  private static final String TABLE_V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io";

  /** Kubelet sample times: T2 is 15 s after T1, so every window is exactly "15s". */
  private static final long T1 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
  private static final long T2 = T1 + 15_000;
  /** Served at T2 + 5 s: creationTimestamp is "now", as metrics-server sets it. */
  private static final long NOW = T2 + 5_000;
  /** Containers started an hour before the first scrape: no restart, no fresh-container shortcut. */
  private static final long STARTED = T1 - 3_600_000;
  private static final long CPU_BASE = 1_000_000_000_000L;

  private FakeCluster cluster;
  private MetricsStore store;
  private final List<Long> servedAges = new ArrayList<>();

  @BeforeEach
  void setUp() {
    cluster = new FakeCluster();
    // Listed out of order on purpose: the API sorts nodes by name.
    cluster.addNode("node-b", ordered("kubernetes.io/hostname", "node-b", "pool", "green"));
    // Labels given out of key order on purpose: Go writes map keys sorted.
    cluster.addNode("node-a", ordered("pool", "blue", "kubernetes.io/hostname", "node-a"));
    cluster.addNode("node-c", ordered("kubernetes.io/hostname", "node-c", "pool", "blue"));

    cluster.addPod("kube-system", "coredns-7db6d8ff4d-x2x9k",
        Map.of("k8s-app", "kube-dns", "pod-template-hash", "7db6d8ff4d"));
    cluster.addPod("default", "web-1", Map.of("app", "web", "pod-template-hash", "5d4f8c7b9"));
    cluster.addPod("default", "db-0", Map.of("app", "db"));
    cluster.addPod("default", "idle", Map.of("app", "idle"));
    cluster.addPod("default", "late", Map.of("app", "late"));
    cluster.addPod("default", "ghost", Map.of("app", "ghost"));
    cluster.addPod("beta", "b-1", Map.of("app", "b"));
    cluster.addPod("alpha", "a-1", Map.of("app", "a"));

    store = new MetricsStore(15_000, 0);
    for (long t : new long[] {T1, T2}) {
      long s = (t - T1) / 1000; // seconds since T1: 0, then 15
      boolean second = t == T2;
      // node-a: +3.75e9 ns of CPU in 15 s = 250000000 nanocores -> "250m";
      //         2391080960 B = 2335040 x 1024 -> "2335040Ki" (the T1 value is superseded).
      store.recordSuccess("node-a", new KubeletReport(
          new NodeSample(t, CPU_BASE + s * 250_000_000L, second ? 2_391_080_960L : 1_000_000_000L),
          List.of(
              // +1.5e9 ns / 15 s = 100000000 n -> "100m"; 52428800 B = 50 x 1024^2 -> "50Mi"
              container("default", "web-1", "nginx", t, CPU_BASE + s * 100_000_000L, 52_428_800L),
              // +1.5e7 ns / 15 s = 1000000 n -> "1m"; 2500608 B = 2442 x 1024 -> "2442Ki"
              container("default", "web-1", "sidecar", t, CPU_BASE + s * 1_000_000L, 2_500_608L),
              // +4.5e7 ns / 15 s = 3000000 n -> "3m"; 12533760 B = 12240 x 1024 -> "12240Ki"
              container("kube-system", "coredns-7db6d8ff4d-x2x9k", "coredns", t,
                  CPU_BASE + s * 3_000_000L, 12_533_760L),
              // a working set of 0: left out, as metrics-server leaves it out
              container("default", "idle", "app", t, CPU_BASE + s * 1_000L, 0L)),
          List.of()));
      List<ContainerSample> nodeB = new ArrayList<>(List.of(
          // +2.25e7 ns / 15 s = 1500000 n -> "1500u"; 104857600 B = 100 x 1024^2 -> "100Mi"
          container("default", "db-0", "postgres", t, CPU_BASE + s * 1_500_000L, 104_857_600L),
          // no CPU used -> "0"; 5000 B is not a multiple of 1024 -> "5000"
          container("alpha", "a-1", "main", t, CPU_BASE, 5_000L),
          // +1.5e8 ns / 15 s = 10000000 n -> "10m"; 1024 B -> "1Ki"
          container("beta", "b-1", "main", t, CPU_BASE + s * 10_000_000L, 1_024L),
          container("default", "late", "main", t, CPU_BASE + s * 1_000_000L, 1_048_576L)));
      if (second) {
        // A container that appears only in the second report, without a start time, has
        // one point: the pod is not fully measured and must not be served half-counted.
        nodeB.add(new ContainerSample("default", "late", "init-late", t, 5_000_000L, 1_048_576L, -1));
      }
      // node-b: +1.5e10 ns / 15 s = 1000000000 n -> "1"; 1610612736 B = 1536 x 1024^2 -> "1536Mi"
      store.recordSuccess("node-b", new KubeletReport(
          new NodeSample(t, CPU_BASE + s * 1_000_000_000L, 1_610_612_736L), nodeB, List.of()));
      // A kubelet whose Node object the informer does not know (deleted, or not yet seen).
      store.recordSuccess("node-gone", new KubeletReport(
          new NodeSample(t, CPU_BASE + s * 1_000_000_000L, 1_073_741_824L), List.of(), List.of()));
    }
    // node-c has been scraped once only: no rate yet.
    store.recordSuccess("node-c", new KubeletReport(new NodeSample(T2, CPU_BASE, 1_073_741_824L), List.of(), List.of()));
  }

  private static ContainerSample container(String ns, String pod, String name, long t, long cpu, long memory) {
    return new ContainerSample(ns, pod, name, t, cpu, memory, STARTED);
  }

  private MetricsApi api(String nodeSelector) {
    try {
      return new MetricsApi(cluster, store, LabelSelector.parse(nodeSelector),
          Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), servedAges::add);
    } catch (SelectorException e) {
      throw new AssertionError(e);
    }
  }

  private MetricsApi.Response get(String path) {
    return get(path, Map.of(), null);
  }

  private MetricsApi.Response get(String path, Map<String, String> query) {
    return get(path, query, null);
  }

  private MetricsApi.Response get(String path, Map<String, String> query, String accept) {
    return get(api(null), path, query, accept);
  }

  private static MetricsApi.Response get(MetricsApi api, String path, Map<String, String> query, String accept) {
    return api.serve(ApiRequest.parse(path, query).orElseThrow(), accept);
  }

  private static String body(MetricsApi.Response response) {
    try {
      return JSON.writeValueAsString(response.body());
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** Joins a JSON text written over several lines: no token contains a line break or edge spaces. */
  private static String json(String text) {
    return text.lines().map(String::strip).collect(Collectors.joining());
  }

  /**
   * A golden file under src/test/resources/golden/, pretty-printed for reading; re-encoded
   * compactly with its key order kept, so the comparison still checks key order and every byte
   * of every value.
   */
  private static String golden(String name) {
    try (InputStream in = MetricsApiTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("golden file %s", name).isNotNull();
      JsonNode tree = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return JSON.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Item names of a list response, "namespace/name" for pods. */
  private static List<String> names(MetricsApi.Response response) {
    assertThat(response.status()).isEqualTo(200);
    try {
      List<String> names = new ArrayList<>();
      for (JsonNode item : JSON.readTree(body(response)).get("items")) {
        JsonNode meta = item.get("metadata");
        names.add(meta.has("namespace")
            ? meta.get("namespace").asText() + "/" + meta.get("name").asText()
            : meta.get("name").asText());
      }
      return names;
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private static final String NODE_A = json("""
      {"metadata":{"name":"node-a","creationTimestamp":"2024-05-01T10:00:20Z",
      "labels":{"kubernetes.io/hostname":"node-a","pool":"blue"}},
      "timestamp":"2024-05-01T10:00:15Z","window":"15s","usage":{"cpu":"250m","memory":"2335040Ki"}}""");
  private static final String NODE_B = json("""
      {"metadata":{"name":"node-b","creationTimestamp":"2024-05-01T10:00:20Z",
      "labels":{"kubernetes.io/hostname":"node-b","pool":"green"}},
      "timestamp":"2024-05-01T10:00:15Z","window":"15s","usage":{"cpu":"1","memory":"1536Mi"}}""");

  @Test
  void timestampsAreRfc3339WholeSecondsAsGoWritesThem() {
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < 100_000; i++) {
      long millis = random.nextLong() % 253_402_300_800_000L; // years -5900 to 9999
      assertThat(Timestamps.rfc3339(Math.floorDiv(millis, 1000L))).as("%d", millis).isEqualTo(
          java.time.format.DateTimeFormatter.ISO_INSTANT.format(
              Instant.ofEpochMilli(millis).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    }
    assertThat(Timestamps.rfc3339(Math.floorDiv(T2 + 999, 1000L))).isEqualTo("2024-05-01T10:00:15Z");
  }

  // ---- Discovery documents ----

  @Test
  void apiGroupList() {
    MetricsApi.Response response = get("/apis");

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"APIGroupList","groups":[{"name":"metrics.k8s.io",
        "versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],
        "preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}}]}"""));
  }

  @Test
  void apiGroup() {
    assertThat(body(get("/apis/metrics.k8s.io"))).isEqualTo(json("""
        {"kind":"APIGroup","apiVersion":"v1","name":"metrics.k8s.io",
        "versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],
        "preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}}"""));
  }

  @Test
  void apiResourceListIsTheDocumentKubeApiserverExpects() {
    // metrics-server.md §2.1, verbatim: singularName stays "" (a9fdc887), verbs get and list only.
    assertThat(body(get(V1BETA1))).isEqualTo(json("""
        {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"metrics.k8s.io/v1beta1","resources":[
        {"name":"nodes","singularName":"","namespaced":false,"kind":"NodeMetrics","verbs":["get","list"]},
        {"name":"pods","singularName":"","namespaced":true,"kind":"PodMetrics","verbs":["get","list"]}]}"""));
  }

  // ---- Nodes ----

  @Test
  void nodeListIsSortedByNameAndOmitsNodesWithoutMetrics() {
    // node-c has one scrape only and node-gone has no Node object: neither is listed.
    MetricsApi.Response response = get(V1BETA1 + "/nodes");

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(
        "{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},"
            + "\"items\":[" + NODE_A + "," + NODE_B + "]}");
  }

  @Test
  void nodeGetReturnsTheNodeMetricsObject() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes/node-a");

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"NodeMetrics","apiVersion":"metrics.k8s.io/v1beta1",
        "metadata":{"name":"node-a","creationTimestamp":"2024-05-01T10:00:20Z",
        "labels":{"kubernetes.io/hostname":"node-a","pool":"blue"}},
        "timestamp":"2024-05-01T10:00:15Z","window":"15s","usage":{"cpu":"250m","memory":"2335040Ki"}}"""));
  }

  @Test
  void unknownNodeIsTheNodeListersNotFound() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes/x");

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"node \\"x\\" not found","reason":"NotFound",
        "details":{"name":"x","kind":"node"},"code":404}"""));
  }

  @Test
  void nodeWithMetricsButNoNodeObjectIsNotFoundAsANode() {
    // metrics-server asks the node lister first.
    MetricsApi.Response response = get(V1BETA1 + "/nodes/node-gone");

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response)).contains("\"message\":\"node \\\"node-gone\\\" not found\"");
  }

  @Test
  void nodeWithoutMetricsIsNodeMetricsNotFound() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes/node-c");

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"nodemetrics.metrics.k8s.io \\"node-c\\" not found","reason":"NotFound",
        "details":{"name":"node-c","group":"metrics.k8s.io","kind":"nodemetrics"},"code":404}"""));
  }

  @Test
  void labelSelectorFiltersOnNodeLabels() {
    assertThat(names(get(V1BETA1 + "/nodes", Map.of("labelSelector", "pool=green")))).containsExactly("node-b");
    // node-c matches but has no metrics
    assertThat(names(get(V1BETA1 + "/nodes", Map.of("labelSelector", "pool in (blue)")))).containsExactly("node-a");
    assertThat(names(get(V1BETA1 + "/nodes", Map.of("labelSelector", "!pool")))).isEmpty();
  }

  @Test
  void fieldSelectorSupportsMetadataName() {
    assertThat(names(get(V1BETA1 + "/nodes", Map.of("fieldSelector", "metadata.name=node-b"))))
        .containsExactly("node-b");
    assertThat(names(get(V1BETA1 + "/nodes", Map.of("fieldSelector", "metadata.name!=node-b"))))
        .containsExactly("node-a");
  }

  @Test
  void metadataNamespaceIsAcceptedButNodesHaveNone() {
    // Nodes' field set has no metadata.namespace: it compares as "".
    assertThat(names(get(V1BETA1 + "/nodes", Map.of("fieldSelector", "metadata.namespace=default")))).isEmpty();
    assertThat(names(get(V1BETA1 + "/nodes", Map.of("fieldSelector", "metadata.namespace=")))).hasSize(2);
  }

  @Test
  void nodeSelectorRestrictsListsButNotGets() {
    MetricsApi blueOnly = api("pool=blue");

    assertThat(names(get(blueOnly, V1BETA1 + "/nodes", Map.of(), null))).containsExactly("node-a");
    // ANDed with the request's own selector
    assertThat(names(get(blueOnly, V1BETA1 + "/nodes", Map.of("labelSelector", "pool=green"), null))).isEmpty();
    // metrics-server.md §2.2: Get does not apply --node-selector.
    assertThat(get(blueOnly, V1BETA1 + "/nodes/node-b", Map.of(), null).status()).isEqualTo(200);
  }

  @Test
  void emptyNodeListHasAnEmptyItemsArray() {
    // The API server replaces nil items with an empty list: "items":[] not null.
    assertThat(body(get(V1BETA1 + "/nodes", Map.of("labelSelector", "pool=none")))).isEqualTo(
        "{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},\"items\":[]}");
  }

  @Test
  void everyServedObjectReportsItsAge() {
    get(V1BETA1 + "/nodes");

    // sampled at T2, served at T2 + 5 s
    assertThat(servedAges).containsExactly(5_000L, 5_000L);
  }

  // ---- Pods ----

  private static final String WEB_1 = json("""
      {"kind":"PodMetrics","apiVersion":"metrics.k8s.io/v1beta1",
      "metadata":{"name":"web-1","namespace":"default","creationTimestamp":"2024-05-01T10:00:20Z",
      "labels":{"app":"web","pod-template-hash":"5d4f8c7b9"}},
      "timestamp":"2024-05-01T10:00:15Z","window":"15s","containers":[
      {"name":"nginx","usage":{"cpu":"100m","memory":"50Mi"}},
      {"name":"sidecar","usage":{"cpu":"1m","memory":"2442Ki"}}]}""");

  @Test
  void podListAcrossNamespacesIsSortedByNamespaceThenName() {
    // late (not all containers measured) and ghost (never reported) are omitted. The order
    // is the one ClusterView promises (RunningPodStore keeps pods sorted); the API keeps it.
    MetricsApi.Response response = get(V1BETA1 + "/pods");

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(golden("pods-all.json"));
  }

  @Test
  void namespacedPodList() {
    assertThat(names(get(V1BETA1 + "/namespaces/default/pods")))
        .containsExactly("default/db-0", "default/web-1");
    assertThat(body(get(V1BETA1 + "/namespaces/kube-system/pods"))).isEqualTo(json("""
        {"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[
        {"metadata":{"name":"coredns-7db6d8ff4d-x2x9k","namespace":"kube-system",
        "creationTimestamp":"2024-05-01T10:00:20Z",
        "labels":{"k8s-app":"kube-dns","pod-template-hash":"7db6d8ff4d"}},
        "timestamp":"2024-05-01T10:00:15Z","window":"15s",
        "containers":[{"name":"coredns","usage":{"cpu":"3m","memory":"12240Ki"}}]}]}"""));
    assertThat(names(get(V1BETA1 + "/namespaces/empty/pods"))).isEmpty();
  }

  @Test
  void podGetWithSeveralContainers() {
    MetricsApi.Response response = get(V1BETA1 + "/namespaces/default/pods/web-1");

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(WEB_1);
  }

  @Test
  void containerWithZeroWorkingSetLeavesItsPodOutAsMetricsServerDoes() {
    MetricsApi.Response response = get(V1BETA1 + "/namespaces/default/pods/idle");

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response)).contains("podmetrics.metrics.k8s.io \\\"default/idle\\\" not found");
  }

  @Test
  void podNotFullyMeasuredIsPodMetricsNotFound() {
    MetricsApi.Response response = get(V1BETA1 + "/namespaces/default/pods/late");

    assertThat(response.status()).isEqualTo(404);
    // metrics-server names "ns/name" in both message and details (pod.go).
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"podmetrics.metrics.k8s.io \\"default/late\\" not found","reason":"NotFound",
        "details":{"name":"default/late","group":"metrics.k8s.io","kind":"podmetrics"},"code":404}"""));
  }

  @Test
  void runningPodNeverReportedIsPodMetricsNotFound() {
    MetricsApi.Response response = get(V1BETA1 + "/namespaces/default/pods/ghost");

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response)).contains(
        "\"message\":\"podmetrics.metrics.k8s.io \\\"default/ghost\\\" not found\"");
  }

  @Test
  void unknownPodIsThePodListersNotFound() {
    MetricsApi.Response response = get(V1BETA1 + "/namespaces/default/pods/nope");

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"pods \\"nope\\" not found","reason":"NotFound",
        "details":{"name":"nope","kind":"pods"},"code":404}"""));
    // a pod's name is only found in its own namespace
    assertThat(get(V1BETA1 + "/namespaces/kube-system/pods/web-1").status()).isEqualTo(404);
  }

  @Test
  void podLabelSelectors() {
    assertThat(names(get(V1BETA1 + "/pods", Map.of("labelSelector", "app=web"))))
        .containsExactly("default/web-1");
    assertThat(names(get(V1BETA1 + "/pods", Map.of("labelSelector", "app in (a,b)"))))
        .containsExactly("alpha/a-1", "beta/b-1");
    assertThat(names(get(V1BETA1 + "/pods", Map.of("labelSelector", "!app"))))
        .containsExactly("kube-system/coredns-7db6d8ff4d-x2x9k");
    assertThat(names(get(V1BETA1 + "/namespaces/default/pods", Map.of("labelSelector", "app notin (web)"))))
        .containsExactly("default/db-0");
  }

  @Test
  void podFieldSelectorsOnNameAndNamespace() {
    assertThat(names(get(V1BETA1 + "/pods", Map.of("fieldSelector", "metadata.name=db-0"))))
        .containsExactly("default/db-0");
    assertThat(names(get(V1BETA1 + "/pods", Map.of("fieldSelector", "metadata.namespace!=default"))))
        .containsExactly("alpha/a-1", "beta/b-1", "kube-system/coredns-7db6d8ff4d-x2x9k");
    assertThat(names(get(V1BETA1 + "/pods",
        Map.of("fieldSelector", "metadata.namespace=default", "labelSelector", "app in (web,db)"))))
        .containsExactly("default/db-0", "default/web-1");
  }

  @Test
  void fieldSelectorOnOtherFieldsIsRejectedAsTheApiServerRejectsIt() {
    // metrics.k8s.io registers no field label conversion, so the API server's
    // DefaultMetaV1FieldSelectorConversion answers 400 for any field but metadata.name and
    // metadata.namespace. kubectl top users see exactly this message (kubernetes#131896).
    // (metrics-server.md §2.4 says such terms "do not match": that reads filter.go only.)
    MetricsApi.Response response = get(V1BETA1 + "/pods", Map.of("fieldSelector", "spec.nodeName=node-a"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"\\"spec.nodeName\\" is not a known field selector: only \\"metadata.name\\", \\"metadata.namespace\\"",
        "reason":"BadRequest","code":400}"""));
    assertThat(get(V1BETA1 + "/nodes", Map.of("fieldSelector", "spec.unschedulable=true")).status())
        .isEqualTo(400);
  }

  // ---- Errors ----

  @Test
  void badLabelSelectorIsBadRequestWithTheParsersMessageAndNoDetails() {
    MetricsApi.Response response = get(V1BETA1 + "/pods", Map.of("labelSelector", "app in (web"));

    assertThat(response.status()).isEqualTo(400);
    // message as labels.Parse words it (see LabelSelectorTest); errors.NewBadRequest sets no details
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"unable to parse requirement: found '', expected: ',' or ')'",
        "reason":"BadRequest","code":400}"""));
  }

  @Test
  void badFieldSelectorIsBadRequest() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes", Map.of("fieldSelector", "metadata.name"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"invalid selector: 'metadata.name'; can't understand 'metadata.name'",
        "reason":"BadRequest","code":400}"""));
  }

  @Test
  void watchIsMethodNotSupported() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes", Map.of("watch", "true"));

    assertThat(response.status()).isEqualTo(405);
    // errors.NewMethodNotSupported(GroupResource{metrics.k8s.io, nodes}, "watch")
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"watch is not supported on resources of kind \\"nodes.metrics.k8s.io\\"",
        "reason":"MethodNotAllowed","details":{"group":"metrics.k8s.io","kind":"nodes"},"code":405}"""));
    assertThat(body(get(V1BETA1 + "/namespaces/default/pods", Map.of("watch", "1")))).contains(
        "\"message\":\"watch is not supported on resources of kind \\\"pods.metrics.k8s.io\\\"\"",
        "\"details\":{\"group\":\"metrics.k8s.io\",\"kind\":\"pods\"}");
  }

  @Test
  void unacceptableMediaTypeIs406() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes", Map.of(),
        "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io");

    assertThat(response.status()).isEqualTo(406);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        "reason":"NotAcceptable","code":406}"""));
  }

  @Test
  void metadataAloneForObjectsAndListsButNotTheOtherWayRound() {
    String partial = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io";
    String partialList = "application/json;as=PartialObjectMetadataList;v=v1beta1;g=meta.k8s.io";

    assertThat(body(get(V1BETA1 + "/nodes/node-a", Map.of(), partial))).isEqualTo(json("""
        {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"node-a",
        "creationTimestamp":"2024-05-01T10:00:20Z","labels":{"kubernetes.io/hostname":"node-a","pool":"blue"}}}"""));
    assertThat(body(get(V1BETA1 + "/namespaces/default/pods", Map.of("labelSelector", "app=web"), partialList)))
        .isEqualTo(json("""
        {"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1beta1","metadata":{},"items":[
        {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1beta1","metadata":{"name":"web-1",
        "namespace":"default","creationTimestamp":"2024-05-01T10:00:20Z",
        "labels":{"app":"web","pod-template-hash":"5d4f8c7b9"}}}]}"""));
    // metrics-server's messages, naming the Go type it holds (captured)
    MetricsApi.Response notAList = get(V1BETA1 + "/nodes/node-a", Map.of(), partialList);
    assertThat(notAList.status()).isEqualTo(406);
    assertThat(((Status) notAList.body()).message()).isEqualTo(
        "you requested PartialObjectMetadataList, but the requested object is not a list (*metrics.NodeMetrics)");
    MetricsApi.Response aList = get(V1BETA1 + "/pods", Map.of(), partial);
    assertThat(aList.status()).isEqualTo(406);
    assertThat(((Status) aList.body()).message()).isEqualTo(
        "you requested PartialObjectMetadata, but the requested object is a list (*metrics.PodMetricsList)");
  }

  // ---- Table output ----

  private static final String COLUMNS = json("""
      "columnDefinitions":[
      {"name":"Name","type":"string","format":"name","description":"Name of the resource","priority":0},
      {"name":"cpu","type":"string","format":"quantity","description":"","priority":0},
      {"name":"memory","type":"string","format":"quantity","description":"","priority":0},
      {"name":"Window","type":"string","format":"duration","description":"","priority":0}]""");

  @Test
  void nodeListAsAV1TableForKubectlGet() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes", Map.of(), KUBECTL_GET);

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},""" + COLUMNS + """
        ,"rows":[
        {"cells":["node-a","250m","2335040Ki","15s"],
        "object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
        "metadata":{"name":"node-a","creationTimestamp":"2024-05-01T10:00:20Z",
        "labels":{"kubernetes.io/hostname":"node-a","pool":"blue"}}}},
        {"cells":["node-b","1","1536Mi","15s"],
        "object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
        "metadata":{"name":"node-b","creationTimestamp":"2024-05-01T10:00:20Z",
        "labels":{"kubernetes.io/hostname":"node-b","pool":"green"}}}}]}"""));
  }

  @Test
  void v1beta1TableRowsCarryV1beta1Metadata() {
    // asTable gives each row's PartialObjectMetadata the Table's own group version.
    MetricsApi.Response response = get(V1BETA1 + "/nodes/node-b", Map.of(), TABLE_V1BETA1);

    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Table","apiVersion":"meta.k8s.io/v1beta1","metadata":{},""" + COLUMNS + """
        ,"rows":[{"cells":["node-b","1","1536Mi","15s"],
        "object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1beta1",
        "metadata":{"name":"node-b","creationTimestamp":"2024-05-01T10:00:20Z",
        "labels":{"kubernetes.io/hostname":"node-b","pool":"green"}}}}]}"""));
  }

  @Test
  void podRowsSumTheirContainers() {
    // web-1: 100m + 1m = "101m"; 52428800 + 2500608 = 54929408 B = 53642 x 1024 -> "53642Ki"
    MetricsApi.Response response = get(V1BETA1 + "/namespaces/default/pods", Map.of(), KUBECTL_GET);

    assertThat(body(response)).isEqualTo(golden("pods-default-table-v1.json"));
  }

  @Test
  void includeObjectEmbedsTheFullObject() {
    MetricsApi.Response response = get(V1BETA1 + "/namespaces/default/pods/web-1",
        Map.of("includeObject", "Object"), KUBECTL_GET);

    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},""" + COLUMNS + """
        ,"rows":[{"cells":["web-1","101m","53642Ki","15s"],"object":""" + WEB_1 + "}]}"));
  }

  @Test
  void includeObjectNoneGivesANullObject() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes/node-a", Map.of("includeObject", "None"), KUBECTL_GET);

    assertThat(body(response)).isEqualTo(json("""
        {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},""" + COLUMNS + """
        ,"rows":[{"cells":["node-a","250m","2335040Ki","15s"],"object":null}]}"""));
  }

  @Test
  void emptyTableHasNullColumnsAndRows() {
    // metrics-server derives the columns from the first item; with none, both stay nil.
    MetricsApi.Response response = get(V1BETA1 + "/nodes", Map.of("labelSelector", "pool=none"), KUBECTL_GET);

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response)).isEqualTo(
        "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{},"
            + "\"columnDefinitions\":null,\"rows\":null}");
  }

  @Test
  void errorsStayStatusObjectsWhenATableIsAsked() {
    MetricsApi.Response response = get(V1BETA1 + "/nodes/node-c", Map.of(), KUBECTL_GET);

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response)).startsWith("{\"kind\":\"Status\"");
  }

  private static Map<String, String> ordered(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  /** The informers' view, honouring {@link ClusterView}'s contract (pods sorted by namespace, name). */
  static final class FakeCluster implements ClusterView {
    private final List<LeanNode> nodes = new ArrayList<>();
    private final List<PodMeta> pods = new ArrayList<>();

    void addNode(String name, Map<String, String> labels) {
      nodes.add(NodesOnlyCluster.lean(
          new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build()));
    }

    void addPod(String namespace, String name, Map<String, String> labels) {
      pods.add(new PodMeta(namespace, name, labels));
    }

    @Override
    public List<LeanNode> nodes() {
      return List.copyOf(nodes);
    }

    @Override
    public Optional<LeanNode> node(String name) {
      return nodes.stream().filter(n -> n.getMetadata().getName().equals(name)).findFirst();
    }

    @Override
    public List<PodMeta> runningPods(String namespace) {
      return pods.stream()
          .filter(p -> namespace == null || p.namespace().equals(namespace))
          .sorted(Comparator.comparing(PodMeta::namespace).thenComparing(PodMeta::name))
          .toList();
    }

    @Override
    public Optional<PodMeta> runningPod(String namespace, String name) {
      return pods.stream().filter(p -> p.namespace().equals(namespace) && p.name().equals(name)).findFirst();
    }
  }
}
