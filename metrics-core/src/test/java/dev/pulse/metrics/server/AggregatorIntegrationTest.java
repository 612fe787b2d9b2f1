package dev.pulse.metrics.server;

import static dev.pulse.metrics.testing.Eventually.continually;
import static dev.pulse.metrics.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulse.metrics.Version;
import dev.pulse.metrics.config.AggregatorOptions;
import dev.pulse.metrics.testing.FakeKubelets;
import dev.pulse.metrics.testing.FakeKubelets.Behaviour;
import dev.pulse.metrics.testing.MockKubeApi;
import dev.pulse.metrics.testing.TestPki;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real {@link Aggregator} against fabric8's mock API server and simulated kubelets, asserting
 * what {@code kubectl top}, the HPA and an operator see over HTTPS.
 *
 * <p>Requests come as the aggregation layer sends them: over TLS with the front proxy's client
 * certificate and {@code X-Remote-User}/{@code X-Remote-Group} headers naming the user (alice),
 * whom the mock API server's SubjectAccessReview policy allows.
 *
 * <p>Every aggregator here scrapes only the nodes labelled with its own group (through
 * {@code --node-selector}), so each test owns its kubelets and their clocks. The simulated kubelet
 * clocks step exactly one second per scrape (see {@link FakeKubelets}), so rates, windows and
 * quantities are exact.
 */
class AggregatorIntegrationTest {

  /** The bearer token of the kubeconfig; the simulated kubelets refuse requests without it. */
  private static final String TOKEN = "kubeconfig-token-Qm9vbGVhbg";
  private static final String GROUP = "pulse-test/group";
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final String V1BETA1 = "/apis/metrics.k8s.io/v1beta1";
  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();

  private static final long MI = 1024 * 1024;
  /** The user kube-apiserver says it proxies for, and who is allowed everything. */
  private static final Map<String, String> AS_ALICE = Map.of("X-Remote-User", "alice",
      "X-Remote-Group", "system:authenticated");

  @TempDir
  static Path tmp;
  static TestPki.Ca kubeletCa;
  static TestPki.Ca servingCa;
  /** Signs the front proxy's client certificate, as kube-apiserver's --requestheader-client-ca-file. */
  static TestPki.Ca frontProxyCa;
  static TestPki.Issued frontProxyClient;
  /** Signs users' client certificates, as kube-apiserver's --client-ca-file. */
  static TestPki.Ca clusterCa;
  static FakeKubelets kubelets;
  static MockKubeApi apiServer;
  static KubernetesClient client;

  @BeforeAll
  static void startCluster() throws Exception {
    kubeletCa = TestPki.newCa("kubelet-ca");
    servingCa = TestPki.newCa("aggregator-serving-ca");
    kubelets = FakeKubelets.start(kubeletCa, TOKEN);
    apiServer = new MockKubeApi();
    client = apiServer.client(TOKEN);

    frontProxyCa = TestPki.newCa("front-proxy-ca");
    frontProxyClient = frontProxyCa.issueClient("front-proxy-client");
    clusterCa = TestPki.newCa("kubernetes");
    // What kube-apiserver publishes for aggregated API servers.
    client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder()
        .withNewMetadata().withNamespace("kube-system").withName("extension-apiserver-authentication").endMetadata()
        .addToData("client-ca-file", clusterCa.certPem())
        .addToData("requestheader-client-ca-file", frontProxyCa.certPem())
        .addToData("requestheader-allowed-names", "[\"front-proxy-client\"]")
        .addToData("requestheader-username-headers", "[\"X-Remote-User\"]")
        .addToData("requestheader-group-headers", "[\"X-Remote-Group\"]")
        .addToData("requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]")
        .build()).create();
    apiServer.authorize(review -> "alice".equals(review.getUser()) || held(review.getUser()));
  }

  /** Users whose SubjectAccessReview is answered (allowed) only once this is counted down. */
  private static final String HELD_USER_PREFIX = "held-";
  static volatile CountDownLatch heldReviews = new CountDownLatch(0);

  private static boolean held(String user) {
    if (!user.startsWith(HELD_USER_PREFIX)) {
      return false;
    }
    try {
      return heldReviews.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (client != null) {
      client.close();
    }
    if (apiServer != null) {
      apiServer.close();
    }
    if (kubelets != null) {
      kubelets.close();
    }
  }

  /** A five-node cluster, two of them healthy, and the API a user sees over it. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class ServingTheApi {

    private static final Map<String, String> NODE_A_LABELS = Map.of(GROUP, "api", "tier", "gold",
        "kubernetes.io/hostname", "node-a");
    private static final Map<String, String> NODE_B_LABELS = Map.of(GROUP, "api", "tier", "silver",
        "kubernetes.io/hostname", "node-b");

    private Pulse pulse;

    @BeforeAll
    void start() throws Exception {
      // Created out of name order: the API must sort.
      addNode("node-e", Map.of(GROUP, "api", "tier", "gold")).usage(400_000_000L, 100 * MI)
          .container("shop", "cache-1", "redis", 50_000_000L, 20 * MI).behave(Behaviour.FORBIDDEN);
      addNode("node-b", NODE_B_LABELS).usage(123_456_789L, 987_654L * 1024)
          .container("shop", "web-2", "app", 2_000_000_000L, 1024 * MI)
          .container("kube-system", "coredns-7db6d8ff4d-x2x9p", "coredns", 3_000_000L, 12_240L * 1024);
      addNode("node-d", Map.of(GROUP, "api", "tier", "silver")).usage(300_000_000L, 100 * MI)
          .container("shop", "render-1", "worker", 70_000_000L, 30 * MI).behave(Behaviour.GARBAGE);
      addNode("node-a", NODE_A_LABELS).usage(1_500_000_000L, 1_234_567L * 1024)
          .container("shop", "web-1", "sidecar", 1_000_000L, 10_000L * 1024)
          .container("shop", "web-1", "app", 250_000_000L, 45_678L * 1024)
          .container("shop", "db-0", "postgres", 500_000_000L, 300_000L * 1024)
          // The kubelet reports a Pending pod's containers too; the API must not serve it.
          .container("shop", "web-3", "app", 100_000_000L, 2_000L * 1024);
      addNode("node-c", Map.of(GROUP, "api", "tier", "gold")).usage(200_000_000L, 100 * MI)
          .container("shop", "batch-1", "worker", 60_000_000L, 10 * MI).behave(Behaviour.HANG);

      addPod("shop", "web-1", "node-a", "Running", Map.of("app", "web", "tier", "frontend"));
      addPod("shop", "db-0", "node-a", "Running", Map.of("app", "db"));
      addPod("shop", "web-3", "node-a", "Pending", Map.of("app", "web"));
      addPod("shop", "web-2", "node-b", "Running", Map.of("app", "web"));
      addPod("kube-system", "coredns-7db6d8ff4d-x2x9p", "node-b", "Running", Map.of("k8s-app", "kube-dns"));
      addPod("shop", "batch-1", "node-c", "Running", Map.of("app", "batch"));
      addPod("shop", "render-1", "node-d", "Running", Map.of("app", "render"));
      addPod("shop", "cache-1", "node-e", "Running", Map.of("app", "cache"));

      pulse = Pulse.start("api");
      // Until both healthy kubelets were scraped twice: their nodes and pods have usage. What else
      // is (not) served is for the tests to say.
      eventually(DEADLINE, () -> {
        assertThat(pulse.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(names(pulse.json(V1BETA1 + "/nodes"))).contains("node-a", "node-b");
        assertThat(namespacedNames(pulse.json(V1BETA1 + "/pods"))).contains("kube-system/coredns-7db6d8ff4d-x2x9p",
            "shop/db-0", "shop/web-1", "shop/web-2");
      });
    }

    @AfterAll
    void stop() {
      if (pulse != null) {
        pulse.close();
      }
    }

    @Test
    void listsTheHealthyNodesSortedByNameWithExactUsage() {
      // A kubelet that was slow once (a loaded CI machine) widens one window: retry for a clean snapshot.
      eventually(DEADLINE, () -> {
        JsonNode list = pulse.json(V1BETA1 + "/nodes");
        assertThat(list.path("kind").asText()).isEqualTo("NodeMetricsList");
        assertThat(list.path("apiVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
        assertThat(names(list)).containsExactly("node-a", "node-b");
        assertNodeMetrics(list.path("items").get(0), true, "node-a", NODE_A_LABELS, "1500m", "1234567Ki");
        assertNodeMetrics(list.path("items").get(1), true, "node-b", NODE_B_LABELS, "123456789n", "987654Ki");
      });
    }

    @Test
    void getsOneNode() {
      eventually(DEADLINE, () -> assertNodeMetrics(pulse.json(V1BETA1 + "/nodes/node-b"), false, "node-b", NODE_B_LABELS,
          "123456789n", "987654Ki"));
    }

    @Test
    void filtersNodesBySelectors() throws Exception {
      // node-c is gold too, but has no metrics: selectors never resurrect a node without them.
      assertThat(names(pulse.json(V1BETA1 + "/nodes?labelSelector=" + encode("tier=gold")))).containsExactly("node-a");
      assertThat(names(pulse.json(V1BETA1 + "/nodes?labelSelector=" + encode("tier notin (gold)"))))
          .containsExactly("node-b");
      assertThat(names(pulse.json(V1BETA1 + "/nodes?fieldSelector=" + encode("metadata.name=node-b"))))
          .containsExactly("node-b");
      JsonNode none = pulse.json(V1BETA1 + "/nodes?labelSelector=" + encode("tier=bronze"));
      assertThat(none.path("kind").asText()).isEqualTo("NodeMetricsList");
      assertThat(none.path("items").isArray()).isTrue();
      assertThat(none.path("items")).isEmpty();
    }

    @Test
    void listsRunningPodsOfAllNamespacesSortedByNamespaceThenName() {
      eventually(DEADLINE, () -> {
        JsonNode list = pulse.json(V1BETA1 + "/pods");
        assertThat(list.path("kind").asText()).isEqualTo("PodMetricsList");
        assertThat(list.path("apiVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
        // No web-3 (Pending), no pods of the three broken nodes.
        assertThat(namespacedNames(list))
            .containsExactly("kube-system/coredns-7db6d8ff4d-x2x9p", "shop/db-0", "shop/web-1", "shop/web-2");
        JsonNode items = list.path("items");
        assertPodMetrics(items.get(0), true, "kube-system", "coredns-7db6d8ff4d-x2x9p", "node-b", Map.of("k8s-app", "kube-dns"),
            container("coredns", "3m", "12240Ki"));
        assertPodMetrics(items.get(1), true, "shop", "db-0", "node-a", Map.of("app", "db"),
            container("postgres", "500m", "300000Ki"));
        // Containers in the kubelet's order, which sorts by container name.
        assertPodMetrics(items.get(2), true, "shop", "web-1", "node-a", Map.of("app", "web", "tier", "frontend"),
            container("app", "250m", "45678Ki"), container("sidecar", "1m", "10000Ki"));
        assertPodMetrics(items.get(3), true, "shop", "web-2", "node-b", Map.of("app", "web"),
            container("app", "2", "1Gi"));
      });
    }

    @Test
    void listsAndGetsPodsOfOneNamespace() {
      eventually(DEADLINE, () -> {
        assertThat(namespacedNames(pulse.json(V1BETA1 + "/namespaces/shop/pods")))
            .containsExactly("shop/db-0", "shop/web-1", "shop/web-2");
        assertThat(namespacedNames(pulse.json(V1BETA1 + "/namespaces/kube-system/pods")))
            .containsExactly("kube-system/coredns-7db6d8ff4d-x2x9p");
        assertThat(pulse.json(V1BETA1 + "/namespaces/empty/pods").path("items")).isEmpty();
        JsonNode pod = pulse.json(V1BETA1 + "/namespaces/shop/pods/web-1");
        assertThat(pod.path("kind").asText()).isEqualTo("PodMetrics");
        assertPodMetrics(pod, false, "shop", "web-1", "node-a", Map.of("app", "web", "tier", "frontend"),
            container("app", "250m", "45678Ki"), container("sidecar", "1m", "10000Ki"));
      });
    }

    @Test
    void filtersPodsBySelectors() throws Exception {
      assertThat(namespacedNames(pulse.json(V1BETA1 + "/namespaces/shop/pods?labelSelector=" + encode("app=web"))))
          .containsExactly("shop/web-1", "shop/web-2");
      assertThat(namespacedNames(pulse.json(V1BETA1 + "/pods?labelSelector=" + encode("app in (db,web),tier"))))
          .containsExactly("shop/web-1");
      assertThat(namespacedNames(pulse.json(V1BETA1 + "/pods?fieldSelector=" + encode("metadata.namespace=kube-system"))))
          .containsExactly("kube-system/coredns-7db6d8ff4d-x2x9p");
      assertThat(namespacedNames(pulse.json(V1BETA1 + "/namespaces/shop/pods?fieldSelector="
          + encode("metadata.name!=web-1")))).containsExactly("shop/db-0", "shop/web-2");
    }

    @Test
    void servesTablesForKubectl() {
      eventually(DEADLINE, () -> {
        JsonNode nodes = pulse.json(V1BETA1 + "/nodes", TABLE);
        assertThat(nodes.path("kind").asText()).isEqualTo("Table");
        assertThat(nodes.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(columnNames(nodes)).containsExactly("Name", "cpu", "memory", "Window");
        assertThat(cells(nodes)).containsExactly(
            List.of("node-a", "1500m", "1234567Ki", "1s"),
            List.of("node-b", "123456789n", "987654Ki", "1s"));
        // The default includeObject=Metadata: enough for kubectl to print names and labels.
        JsonNode row = nodes.path("rows").get(0).path("object");
        assertThat(row.path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(row.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(row.at("/metadata/name").asText()).isEqualTo("node-a");

        // A pod's row is the sum of its containers: 250m + 1m, 45678Ki + 10000Ki.
        JsonNode pods = pulse.json(V1BETA1 + "/namespaces/shop/pods", TABLE);
        assertThat(cells(pods)).containsExactly(
            List.of("db-0", "500m", "300000Ki", "1s"),
            List.of("web-1", "251m", "55678Ki", "1s"),
            List.of("web-2", "2", "1Gi", "1s"));

        JsonNode one = pulse.json(V1BETA1 + "/nodes/node-b", TABLE);
        assertThat(cells(one)).containsExactly(List.of("node-b", "123456789n", "987654Ki", "1s"));
      });
    }

    @Test
    void servesProtobufAndYamlWithTheValuesOfItsJson() {
      // The representations client-go's protobuf clients (kubectl top, the HPA) and `kubectl get -o yaml`
      // read; each request is its own moment, so a scrape in between is retried away.
      for (String path : List.of(V1BETA1 + "/nodes", V1BETA1 + "/nodes/node-b", V1BETA1 + "/pods",
          V1BETA1 + "/namespaces/shop/pods/web-1")) {
        eventually(DEADLINE, () -> {
          JsonNode json = withoutCreationTimestamps(pulse.json(path));
          HttpResponse<byte[]> yaml = pulse.getBytes(path, "application/yaml");
          HttpResponse<byte[]> protobuf = pulse.getBytes(path, "application/vnd.kubernetes.protobuf");

          assertThat(yaml.headers().firstValue("Content-Type")).hasValue("application/yaml");
          assertThat(withoutCreationTimestamps(YAML.readTree(yaml.body()))).as("%s as YAML", path).isEqualTo(json);
          assertThat(protobuf.headers().firstValue("Content-Type")).hasValue("application/vnd.kubernetes.protobuf");
          assertThat(protobuf.headers().firstValue("Cache-Control")).hasValue("no-cache, private");
          assertThat(ProtobufAsJson.read(protobuf.body())).as("%s as protobuf", path).isEqualTo(json);
        });
      }
    }

    @Test
    void answersErrorsInTheRepresentationAsked() throws Exception {
      HttpResponse<byte[]> notFound = pulse.getBytes(V1BETA1 + "/nodes/node-z", "application/vnd.kubernetes.protobuf");
      assertThat(notFound.statusCode()).isEqualTo(404);
      assertThat(notFound.headers().firstValue("Content-Type")).hasValue("application/vnd.kubernetes.protobuf");
      assertThat(notFound.headers().firstValue("Cache-Control")).hasValue("no-cache, private");
      assertThat(ProtobufAsJson.read(notFound.body()).path("message").asText()).isEqualTo("node \"node-z\" not found");

      HttpResponse<byte[]> badSelector = pulse.getBytes(V1BETA1 + "/pods?labelSelector=" + encode("a==="),
          "application/yaml");
      assertThat(badSelector.statusCode()).isEqualTo(400);
      assertThat(new String(badSelector.body(), StandardCharsets.UTF_8)).isEqualTo("""
          apiVersion: v1
          code: 400
          kind: Status
          message: 'unable to parse requirement: found ''='', expected: identifier'
          metadata: {}
          reason: BadRequest
          status: Failure
          """);

      HttpResponse<String> table = pulse.get(V1BETA1 + "/nodes",
          "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io");
      assertThat(table.statusCode()).isEqualTo(406);
      assertThat(table.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void answersNotFoundWithKubernetesStatusBodies() throws Exception {
      // The messages and details metrics-server gives: the node and pod listers' NotFound for unknown
      // objects, the metrics resource's NotFound for known objects without metrics.
      assertStatus(pulse.get(V1BETA1 + "/nodes/node-z"), 404, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"node \\"node-z\\" not found","reason":"NotFound",
           "details":{"name":"node-z","kind":"node"},"code":404}""");
      assertStatus(pulse.get(V1BETA1 + "/nodes/node-c"), 404, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"nodemetrics.metrics.k8s.io \\"node-c\\" not found","reason":"NotFound",
           "details":{"name":"node-c","group":"metrics.k8s.io","kind":"nodemetrics"},"code":404}""");
      assertStatus(pulse.get(V1BETA1 + "/namespaces/shop/pods/nope"), 404, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"pods \\"nope\\" not found","reason":"NotFound",
           "details":{"name":"nope","kind":"pods"},"code":404}""");
      // A Pending pod is not a pod Pulse knows, whatever its kubelet reports.
      assertStatus(pulse.get(V1BETA1 + "/namespaces/shop/pods/web-3"), 404, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"pods \\"web-3\\" not found","reason":"NotFound",
           "details":{"name":"web-3","kind":"pods"},"code":404}""");
      assertStatus(pulse.get(V1BETA1 + "/namespaces/shop/pods/cache-1"), 404, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"podmetrics.metrics.k8s.io \\"shop/cache-1\\" not found","reason":"NotFound",
           "details":{"name":"shop/cache-1","group":"metrics.k8s.io","kind":"podmetrics"},"code":404}""");
    }

    @Test
    void rejectsBadSelectorsAndWatches() throws Exception {
      assertStatus(pulse.get(V1BETA1 + "/nodes?labelSelector=" + encode("x==a==b")), 400, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"found '==', expected: ',' or 'end of string'","reason":"BadRequest","code":400}""");
      HttpResponse<String> badField = pulse.get(V1BETA1 + "/pods?fieldSelector=" + encode("metadata.name"));
      assertThat(badField.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(badField.body()).path("reason").asText()).isEqualTo("BadRequest");

      assertStatus(pulse.get(V1BETA1 + "/nodes?watch=true"), 405, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"watch is not supported on resources of kind \\"nodes.metrics.k8s.io\\"",
           "reason":"MethodNotAllowed","details":{"group":"metrics.k8s.io","kind":"nodes"},"code":405}""");
      assertStatus(pulse.get(V1BETA1 + "/namespaces/shop/pods?watch=1"), 405, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"watch is not supported on resources of kind \\"pods.metrics.k8s.io\\"",
           "reason":"MethodNotAllowed","details":{"group":"metrics.k8s.io","kind":"pods"},"code":405}""");
    }

    @Test
    void servesDiscoveryForTheAggregationLayer() throws Exception {
      JsonNode version = JSON.readTree("""
          {"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}""");
      JsonNode groups = pulse.json("/apis");
      assertThat(groups.path("kind").asText()).isEqualTo("APIGroupList");
      assertThat(groups.path("groups")).hasSize(1);
      assertThat(groups.at("/groups/0/name").asText()).isEqualTo("metrics.k8s.io");
      assertThat(groups.at("/groups/0/preferredVersion")).isEqualTo(version);

      JsonNode group = pulse.json("/apis/metrics.k8s.io");
      assertThat(group.path("kind").asText()).isEqualTo("APIGroup");
      assertThat(group.path("versions")).containsExactly(version);

      JsonNode resources = pulse.json(V1BETA1);
      assertThat(resources.path("kind").asText()).isEqualTo("APIResourceList");
      assertThat(resources.path("groupVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
      assertThat(resources.path("resources")).containsExactly(JSON.readTree("""
          {"name":"nodes","singularName":"","namespaced":false,"kind":"NodeMetrics","verbs":["get","list"]}"""),
          JSON.readTree("""
          {"name":"pods","singularName":"","namespaced":true,"kind":"PodMetrics","verbs":["get","list"]}"""));
    }

    @Test
    void countsEachBrokenKubeletByCauseWhileServingTheHealthyOnes() throws Exception {
      // At least two failed cycles each: the healthy nodes must outlive them, not just the first.
      eventually(DEADLINE, () -> {
        assertThat(pulse.scrapeErrors("timeout")).isGreaterThanOrEqualTo(2);
        assertThat(pulse.scrapeErrors("decode")).isGreaterThanOrEqualTo(2);
        assertThat(pulse.scrapeErrors("http_status")).isGreaterThanOrEqualTo(2);
        assertThat(pulse.metric("pulse_scrape_nodes", "result=\"succeeded\"")).isEqualTo(2);
        assertThat(pulse.metric("pulse_scrape_nodes", "result=\"failed\"")).isEqualTo(3);
      });
      // None of the three is mistaken for another kind of failure.
      assertThat(pulse.scrapeErrors("connection")).isZero();
      assertThat(pulse.scrapeErrors("tls")).isZero();
      assertThat(pulse.scrapeErrors("too_large")).isZero();
      assertThat(pulse.scrapeErrors("no_endpoint")).isZero();
      // The hanging kubelet was asked (so the timeout is its own), and given up on.
      assertThat(kubelets.answered("node-c", Behaviour.HANG)).isGreaterThanOrEqualTo(2);

      eventually(DEADLINE, () -> {
        JsonNode list = pulse.json(V1BETA1 + "/nodes");
        assertThat(names(list)).containsExactly("node-a", "node-b");
        assertNodeMetrics(list.path("items").get(0), true, "node-a", NODE_A_LABELS, "1500m", "1234567Ki");
        assertNodeMetrics(list.path("items").get(1), true, "node-b", NODE_B_LABELS, "123456789n", "987654Ki");
      });
    }

    @Test
    void summarizesTheNodesByCauseForThoseTheApiServerAllows() throws Exception {
      eventually(DEADLINE, () -> {
        JsonNode health = pulse.json(AggregatorServer.NODE_HEALTH_PATH);
        assertThat(health.path("selected").asInt()).isEqualTo(5);
        assertThat(health.path("scraped").asInt()).isEqualTo(2);
        assertThat(health.path("failingCount").asInt()).isEqualTo(3);
        assertThat(health.path("causes").toString())
            .isEqualTo("{\"KubeletForbidden\":1,\"KubeletMalformedResponse\":1,\"KubeletTimeout\":1}");
        assertThat(health.path("failing").findValuesAsText("name")).containsExactlyInAnyOrder("node-c", "node-d",
            "node-e");
      });
      assertThat(apiServer.reviews()).filteredOn(review -> review.getNonResourceAttributes() != null)
          .anySatisfy(review -> {
            assertThat(review.getUser()).isEqualTo("alice");
            assertThat(review.getNonResourceAttributes().getPath()).isEqualTo(AggregatorServer.NODE_HEALTH_PATH);
            assertThat(review.getNonResourceAttributes().getVerb()).isEqualTo("get");
          });
    }

    @Test
    void isHealthyAndReady() throws Exception {
      for (String probe : List.of("/livez", "/readyz", "/healthz")) {
        HttpResponse<String> response = pulse.get(probe);
        assertThat(response.statusCode()).as(probe).isEqualTo(200);
        assertThat(response.body()).as(probe).isEqualTo("ok");
      }
    }

    @Test
    void answersEachHealthCheckAloneAndListsPathsForUnknownOnes() throws Exception {
      HttpClient anonymous = HttpClient.newBuilder().sslContext(servingCa.trustingContext()).build();
      for (String check : List.of("/livez/ping", "/livez/metric-collection-timely", "/readyz/ping",
          "/readyz/metric-storage-ready", "/healthz/ping", "/healthz/metric-collection-timely")) {
        HttpResponse<String> response = send(anonymous, pulse.uri(check), Map.of());
        assertThat(response.statusCode()).as(check).isEqualTo(200);
        assertThat(response.body()).as(check).isEqualTo("ok");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
      }
      assertThat(pulse.get("/healthz?verbose").body()).endsWith("healthz check passed\n");

      HttpResponse<String> unknown = pulse.get("/readyz/nope");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(unknown.body()).path("paths")).contains(JSON.readTree("\"/readyz/ping\""),
          JSON.readTree("\"/openapi/v3\""), JSON.readTree("\"/version\""));
      assertThat(pulse.get("/").statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(pulse.get("/").body())).isEqualTo(JSON.readTree(unknown.body()));
      assertStatus(pulse.get("/apis/metrics.k8s.io/v1"), 404, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}""");
    }

    /** Vert.x sent HEAD answers' bodies over HTTP/2, and clients reset the stream; now both protocols agree. */
    @Test
    void answersHeadTheSameOverHttp1AndHttp2() throws Exception {
      HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(servingCa.trustingContext(frontProxyClient)).build();
      HttpClient h2 = pulse.newClient();
      for (String path : List.of(V1BETA1 + "/nodes", "/apis", "/livez", "/readyz/ping", "/openapi/v2", "/version")) {
        HttpResponse<String> get = pulse.get(path);
        List<HttpResponse<String>> heads = new ArrayList<>();
        for (HttpClient http : List.of(h1, h2)) {
          HttpRequest.Builder head = HttpRequest.newBuilder(pulse.uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody());
          AS_ALICE.forEach(head::header);
          heads.add(http.send(head.build(), HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(heads.get(0).version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(heads.get(1).version()).isEqualTo(HttpClient.Version.HTTP_2);
        for (HttpResponse<String> head : heads) {
          // metrics-server: 405 for HEAD on REST paths (go-restful routes GET only), 200 elsewhere.
          int expected = path.startsWith("/apis") || path.equals("/version") ? 405 : 200;
          assertThat(head.statusCode()).as("HEAD %s over %s", path, head.version()).isEqualTo(expected);
          assertThat(head.body()).isEmpty();
          assertThat(head.headers().firstValue("Content-Type")).as(path)
              .isEqualTo(expected == 200 ? get.headers().firstValue("Content-Type") : Optional.of("application/json"));
          if (expected == 200) {
            assertThat(head.headers().firstValueAsLong("Content-Length")).as(path)
                .hasValue(get.body().getBytes(StandardCharsets.UTF_8).length);
          }
        }
        assertThat(heads.get(1).headers().firstValue("Content-Length"))
            .isEqualTo(heads.get(0).headers().firstValue("Content-Length"));
      }
    }

    /** Go decodes the whole path before routing: metrics-server lists shop's pods for sh%6fp, and so does Pulse. */
    @Test
    void decodesEscapedPathsBeforeServingAndAuthorizing() throws Exception {
      JsonNode escaped = pulse.json(V1BETA1 + "/namespaces/sh%6fp/pods");
      assertThat(namespacedNames(escaped)).isNotEmpty().allMatch(name -> name.startsWith("shop/"))
          .containsExactlyElementsOf(namespacedNames(pulse.json(V1BETA1 + "/namespaces/shop/pods")));
      // Authorized as the namespace it names, never as the escaped text.
      assertThat(apiServer.reviews()).filteredOn(review -> review.getResourceAttributes() != null)
          .noneMatch(review -> review.getResourceAttributes().getNamespace() != null
              && review.getResourceAttributes().getNamespace().contains("%"))
          .anySatisfy(review -> assertThat(Arrays.asList(review.getResourceAttributes().getVerb(),
              review.getResourceAttributes().getNamespace())).containsExactly("list", "shop"));
      assertThat(pulse.json(V1BETA1 + "/nodes/node%2Da").path("metadata").path("name").asText()).isEqualTo("node-a");
      // %2F is a '/' like any other once decoded: no such path.
      assertThat(pulse.get(V1BETA1 + "/namespaces/sh%2Fop/pods").statusCode()).isEqualTo(404);

      // A broken escape: Go's 400 and a closed connection, before any handler.
      try (SSLSocket socket = pulse.rawConnection()) {
        String head = http1Get(socket, V1BETA1 + "/namespaces/sh%zzop/pods");
        assertThat(head).startsWith("HTTP/1.1 400 Bad Request\r\n").containsIgnoringCase("connection: close");
        millisUntilClosed(socket, System.nanoTime());
      }
    }

    /** Over HTTP/2 Go resets the stream of a request whose path has a broken escape; the connection lives on. */
    @Test
    void resetsAnHttp2StreamWhosePathHasABrokenEscape() throws Exception {
      Path[] files = frontProxyClient.writeTo(Files.createDirectories(tmp.resolve("h2-client")), "client");
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      try {
        io.vertx.core.http.HttpClient h2 = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
            .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
            .setTrustAll(true).setVerifyHost(false)
            .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                .setCertPath(files[0].toString()).setKeyPath(files[1].toString())));
        CompletableFuture<Integer> broken = new CompletableFuture<>();
        h2.request(io.vertx.core.http.HttpMethod.GET, pulse.aggregator.port(), "127.0.0.1",
                V1BETA1 + "/namespaces/sh%zzop/pods")
            .compose(request -> request.putHeader("X-Remote-User", "alice").send())
            .onComplete(result -> broken.complete(result.succeeded() ? result.result().statusCode()
                : result.cause() instanceof io.vertx.core.http.StreamResetException reset ? (int) -reset.getCode() : 0));
        assertThat(broken.get(5, TimeUnit.SECONDS)).as("reset code, negated").isEqualTo(-1);

        CompletableFuture<Integer> good = new CompletableFuture<>();
        h2.request(io.vertx.core.http.HttpMethod.GET, pulse.aggregator.port(), "127.0.0.1", "/livez")
            .compose(io.vertx.core.http.HttpClientRequest::send)
            .onComplete(result -> good.complete(result.succeeded() ? result.result().statusCode() : 0));
        assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo(200);
      } finally {
        vertx.close();
      }
    }

    @Test
    void servesOpenApiDocumentsThatClientsMayCacheByHash() throws Exception {
      JsonNode v2 = pulse.json("/openapi/v2");
      assertThat(v2.path("swagger").asText()).isEqualTo("2.0");
      assertThat(v2.path("definitions").has("io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics")).isTrue();

      String url = pulse.json("/openapi/v3").at("/paths/apis~1metrics.k8s.io~1v1beta1/serverRelativeURL").asText();
      assertThat(url).startsWith("/openapi/v3/apis/metrics.k8s.io/v1beta1?hash=");
      HttpResponse<String> hashed = pulse.get(url, "application/json");
      assertThat(hashed.statusCode()).isEqualTo(200);
      assertThat(hashed.headers().firstValue("Cache-Control")).hasValue("public, immutable");
      assertThat(hashed.headers().firstValue("Expires")).isPresent();
      String etag = hashed.headers().firstValue("ETag").orElseThrow();
      assertThat(etag).isEqualTo("\"" + url.substring(url.indexOf("=") + 1) + "\"");
      assertThat(JSON.readTree(hashed.body()).path("paths").has(V1BETA1 + "/nodes")).isTrue();

      Map<String, String> revalidate = new LinkedHashMap<>(AS_ALICE);
      revalidate.put("If-None-Match", etag);
      HttpResponse<String> notModified = send(pulse.newClient(), pulse.uri("/openapi/v3/apis/metrics.k8s.io/v1beta1"),
          revalidate);
      assertThat(notModified.statusCode()).isEqualTo(304);
      assertThat(notModified.headers().firstValue("Cache-Control")).hasValue("no-cache, private");

      HttpResponse<String> stale = pulse.get("/openapi/v3/apis/metrics.k8s.io/v1beta1?hash=0123", "application/json");
      assertThat(stale.statusCode()).isEqualTo(301);
      assertThat(stale.headers().firstValue("Location")).hasValue(url);
    }

    @Test
    void servesAggregatedDiscoveryToTheAggregationLayer() throws Exception {
      String accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
          + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
      HttpResponse<String> aggregated = pulse.get("/apis", accept);
      assertThat(aggregated.statusCode()).isEqualTo(200);
      assertThat(aggregated.headers().firstValue("Content-Type"))
          .hasValue("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
      assertThat(aggregated.headers().firstValue("Vary")).hasValue("Accept");
      JsonNode list = JSON.readTree(aggregated.body());
      assertThat(list.path("kind").asText()).isEqualTo("APIGroupDiscoveryList");
      assertThat(list.at("/items/0/versions/0/resources").findValuesAsText("resource")).containsExactly("nodes", "pods");

      Map<String, String> revalidate = new LinkedHashMap<>(AS_ALICE);
      revalidate.put("Accept", accept);
      revalidate.put("If-None-Match", aggregated.headers().firstValue("ETag").orElseThrow());
      assertThat(send(pulse.newClient(), pulse.uri("/apis"), revalidate).statusCode()).isEqualTo(304);

      assertThat(pulse.json("/apis", "application/json").path("kind").asText()).isEqualTo("APIGroupList");
      assertThat(pulse.json("/apis/metrics.k8s.io", accept).path("kind").asText()).isEqualTo("APIGroup");
    }

    @Test
    void servesItsVersionToThoseTheApiServerAllows() throws Exception {
      JsonNode version = pulse.json("/version");
      assertThat(version.path("gitVersion").asText()).isEqualTo("v" + Version.current());
      assertThat(version.path("platform").asText()).contains("/");
      assertThat(apiServer.reviews()).filteredOn(review -> review.getNonResourceAttributes() != null).anySatisfy(review -> {
        assertThat(review.getUser()).isEqualTo("alice");
        assertThat(review.getNonResourceAttributes().getPath()).isEqualTo("/version");
        assertThat(review.getNonResourceAttributes().getVerb()).isEqualTo("get");
      });
    }

    @Test
    void asksTheApiServerForRunningPodsOnly() {
      // The mock cannot filter on status.phase (MockKubeApi drops the selector, and Pulse filters
      // again): here we check Pulse asks, so a real API server never sends it the other pods.
      assertThat(apiServer.podQueries()).isNotEmpty()
          .allSatisfy(query -> assertThat(query).contains("fieldSelector=" + MockKubeApi.RUNNING_PODS));
    }

    @Test
    void authenticatesCallersAndLetsTheApiServerDecideWhoMayDoWhat() throws Exception {
      // As kube-apiserver proxies `kubectl top pod -n shop web-1` for alice; the review names her and the request.
      assertThat(pulse.get(V1BETA1 + "/namespaces/shop/pods/web-1").statusCode()).isEqualTo(200);
      assertThat(apiServer.reviews()).anySatisfy(review -> {
        assertThat(review.getUser()).isEqualTo("alice");
        assertThat(review.getGroups()).contains("system:authenticated");
        var r = review.getResourceAttributes();
        assertThat(r).isNotNull();
        assertThat(Arrays.asList(r.getVerb(), r.getGroup(), r.getVersion(), r.getResource(), r.getNamespace(), r.getName()))
            .containsExactly("get", "metrics.k8s.io", "v1beta1", "pods", "shop", "web-1");
      });

      // No credentials: anonymous, whom the review refuses, in the API server's words. Identity
      // headers without the front proxy's certificate are ignored, not believed.
      HttpClient anonymous = HttpClient.newBuilder().sslContext(servingCa.trustingContext()).build();
      for (Map<String, String> headers : List.of(Map.<String, String>of(), AS_ALICE)) {
        assertStatus(send(anonymous, pulse.uri(V1BETA1 + "/nodes"), headers), 403, """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"nodes.metrics.k8s.io is forbidden: User \\"system:anonymous\\" cannot list resource \\"nodes\\" in API group \\"metrics.k8s.io\\" at the cluster scope",
             "reason":"Forbidden","details":{"group":"metrics.k8s.io","kind":"nodes"},"code":403}""");
      }
      // Probes stay open: the kubelet probing Pulse has no credentials.
      assertThat(send(anonymous, pulse.uri("/readyz"), Map.of()).statusCode()).isEqualTo(200);

      // A user's own certificate from the cluster CA: the CN is the user, each O a group.
      HttpClient bob = HttpClient.newBuilder()
          .sslContext(servingCa.trustingContext(clusterCa.issueClient("bob", "developers"))).build();
      assertStatus(send(bob, pulse.uri(V1BETA1 + "/namespaces/shop/pods/web-1"), Map.of()), 403, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"pods.metrics.k8s.io \\"web-1\\" is forbidden: User \\"bob\\" cannot get resource \\"pods\\" in API group \\"metrics.k8s.io\\" in the namespace \\"shop\\"",
           "reason":"Forbidden","details":{"name":"web-1","group":"metrics.k8s.io","kind":"pods"},"code":403}""");
      assertThat(apiServer.reviews()).anySatisfy(review -> {
        assertThat(review.getUser()).isEqualTo("bob");
        assertThat(review.getGroups()).contains("developers", "system:authenticated");
      });

      // A front-proxy certificate from a CA nobody trusts is bad credentials: 401, whatever the headers claim.
      HttpClient impostor = HttpClient.newBuilder().sslContext(
          servingCa.trustingContext(TestPki.newCa("impostor-ca").issueClient("front-proxy-client"))).build();
      assertStatus(send(impostor, pulse.uri(V1BETA1 + "/nodes"), AS_ALICE), 401, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized",
           "reason":"Unauthorized","code":401}""");
    }

    /** Items of a list carry no kind or apiVersion (Go leaves them empty there); single objects do. */
    private void assertTypeMeta(JsonNode object, boolean listItem, String kind) {
      if (listItem) {
        assertThat(object.has("kind")).as("kind of a list item").isFalse();
        assertThat(object.has("apiVersion")).as("apiVersion of a list item").isFalse();
      } else {
        assertThat(object.path("kind").asText()).isEqualTo(kind);
        assertThat(object.path("apiVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
      }
    }

    private void assertNodeMetrics(JsonNode node, boolean listItem, String name, Map<String, String> labels, String cpu,
        String memory) {
      assertTypeMeta(node, listItem, "NodeMetrics");
      assertThat(node.at("/metadata/name").asText()).isEqualTo(name);
      assertThat(stringMap(node.at("/metadata/labels"))).isEqualTo(labels);
      assertCreatedNow(node);
      assertSampleOf(node, name);
      assertThat(node.path("window").asText()).isEqualTo("1s");
      assertThat(node.path("usage")).isEqualTo(usage(cpu, memory));
    }

    private void assertPodMetrics(JsonNode pod, boolean listItem, String namespace, String name, String nodeName,
        Map<String, String> labels, JsonNode... containers) {
      assertTypeMeta(pod, listItem, "PodMetrics");
      assertThat(pod.at("/metadata/name").asText()).isEqualTo(name);
      assertThat(pod.at("/metadata/namespace").asText()).isEqualTo(namespace);
      assertThat(stringMap(pod.at("/metadata/labels"))).isEqualTo(labels);
      assertCreatedNow(pod);
      assertSampleOf(pod, nodeName);
      assertThat(pod.path("window").asText()).isEqualTo("1s");
      assertThat(pod.path("containers")).containsExactly(containers);
    }
  }

  @Test
  void isReadyOnlyOnceThereAreMetricsToServe() throws Exception {
    addNode("ready-1", Map.of(GROUP, "ready")).usage(100_000_000L, 64 * MI)
        .container("ready", "app-0", "app", 10_000_000L, 8 * MI).behave(Behaviour.FORBIDDEN);
    addPod("ready", "app-0", "ready-1", "Running", Map.of());
    try (Pulse pulse = Pulse.start("ready")) {
      // Past two refused scrapes, so this is the steady state of a cluster whose kubelets refuse Pulse.
      eventually(DEADLINE, () -> assertThat(kubelets.answered("ready-1", Behaviour.FORBIDDEN)).isGreaterThanOrEqualTo(2));
      HttpResponse<String> notReady = pulse.get("/readyz");
      assertThat(notReady.statusCode()).isEqualTo(500);
      assertThat(notReady.body()).contains("[-]metric-storage-ready failed");
      // Not being ready is no reason to be restarted.
      eventually(DEADLINE, () -> assertThat(pulse.get("/livez").statusCode()).isEqualTo(200));
      assertThat(pulse.json(V1BETA1 + "/nodes").path("items")).isEmpty();

      kubelets.node("ready-1").behave(Behaviour.NORMAL);
      eventually(DEADLINE, () -> assertThat(pulse.get("/readyz").statusCode()).isEqualTo(200));
      assertThat(names(pulse.json(V1BETA1 + "/nodes"))).containsExactly("ready-1");
      assertThat(namespacedNames(pulse.json(V1BETA1 + "/namespaces/ready/pods"))).containsExactly("ready/app-0");
    }
  }

  @Test
  void keepsANodeThroughOneFailedScrapeDropsItAfterTwoAndTakesItBack() throws Exception {
    addNode("flaky-1", Map.of(GROUP, "flaky")).usage(750_000_000L, 777_777L * 1024)
        .container("flaky", "job-0", "main", 250_000_000L, 100_000L * 1024);
    addPod("flaky", "job-0", "flaky-1", "Running", Map.of());
    String node = V1BETA1 + "/nodes/flaky-1";
    String pod = V1BETA1 + "/namespaces/flaky/pods/job-0";
    try (Pulse pulse = Pulse.start("flaky")) {
      eventually(DEADLINE, () -> assertThat(pulse.json(node).path("usage")).isEqualTo(usage("750m", "777777Ki")));

      // One failure (default --kubelet-failure-tolerance=1): served throughout, with the last values,
      // and the next window spans the failed scrape: 2s at exactly the same rate.
      kubelets.node("flaky-1").failNext(Behaviour.FORBIDDEN, 1);
      pollUntil(DEADLINE, () -> {
        HttpResponse<String> nodeResponse = pulse.get(node);
        HttpResponse<String> podResponse = pulse.get(pod);
        assertThat(nodeResponse.statusCode()).as("node served while failing once").isEqualTo(200);
        assertThat(podResponse.statusCode()).as("pod served while its node fails once").isEqualTo(200);
        JsonNode nodeMetrics = JSON.readTree(nodeResponse.body());
        assertThat(nodeMetrics.path("usage")).isEqualTo(usage("750m", "777777Ki"));
        assertThat(JSON.readTree(podResponse.body()).path("containers"))
            .containsExactly(container("main", "250m", "100000Ki"));
        return nodeMetrics.path("window").asText().equals("2s");
      });
      assertThat(pulse.scrapeErrors("http_status")).isEqualTo(1);

      // Two consecutive failures: gone, pods included, until two good scrapes measure a rate again.
      kubelets.node("flaky-1").failNext(Behaviour.FORBIDDEN, 2);
      eventually(DEADLINE, () -> {
        assertThat(pulse.get(node).statusCode()).isEqualTo(404);
        assertThat(pulse.get(pod).statusCode()).isEqualTo(404);
        assertThat(pulse.json(V1BETA1 + "/nodes").path("items")).isEmpty();
      });
      assertThat(pulse.scrapeErrors("http_status")).isEqualTo(3);

      eventually(DEADLINE, () -> {
        JsonNode back = pulse.json(node);
        assertThat(back.path("usage")).isEqualTo(usage("750m", "777777Ki"));
        assertThat(back.path("window").asText()).isEqualTo("1s");
        assertThat(pulse.json(pod).path("containers")).containsExactly(container("main", "250m", "100000Ki"));
      });
    }
  }

  @Test
  void reloadsTheServingCertificateWithoutRestarting() throws Exception {
    try (Pulse pulse = Pulse.start("reload", "--tls-reload-interval=200ms")) {
      X509Certificate first = pulse.peerCertificate();
      assertThat(first.getSerialNumber()).isEqualTo(pulse.serving.serial());

      TestPki.Issued rotated = servingCa.issueServer("pulse-rotated", "127.0.0.1", "localhost");
      rotated.writeTo(pulse.certFile.getParent(), "serving");
      eventually(DEADLINE, () -> {
        X509Certificate now = pulse.peerCertificate();
        assertThat(now.getSerialNumber()).isEqualTo(rotated.serial());
        assertThat(now.getSubjectX500Principal().getName()).isEqualTo("CN=pulse-rotated");
      });
      // A new client (so a new connection) is served under the new certificate.
      assertThat(send(pulse.newClient(), pulse.uri(V1BETA1), AS_ALICE).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void keepsTheCurrentCertificateThroughABrokenOrHalfWrittenRotation() throws Exception {
    try (Pulse pulse = Pulse.start("half-rotation", "--tls-reload-interval=100ms")) {
      BigInteger current = pulse.serving.serial();
      Path certFile = pulse.certFile;
      Path keyFile = certFile.resolveSibling("serving.key");
      // Every new connection during several reload intervals must still get the current certificate.
      TestPki.writeAtomically(certFile, "-----BEGIN CERTIFICATE-----\ntruncated\n-----END CERTIFICATE-----\n");
      continually(Duration.ofMillis(800), () -> assertThat(pulse.peerCertificate().getSerialNumber()).isEqualTo(current));

      // The new certificate is in place, its key not yet: serving it would fail every handshake.
      TestPki.Issued next = servingCa.issueServer("pulse-next", "127.0.0.1", "localhost");
      TestPki.writeAtomically(certFile, next.certPem());
      continually(Duration.ofMillis(800), () -> assertThat(pulse.peerCertificate().getSerialNumber()).isEqualTo(current));

      TestPki.writeAtomically(keyFile, next.keyPem());
      eventually(DEADLINE, () -> assertThat(pulse.peerCertificate().getSerialNumber()).isEqualTo(next.serial()));
    }
  }

  @Test
  void servesUnderASelfSignedCertificateWithoutTlsFlags() throws Exception {
    try (Aggregator aggregator = Aggregator.start(options("self-signed", List.of()), client, false)) {
      X509Certificate served;
      try (SSLSocket socket = (SSLSocket) trustingAnyServer().getSocketFactory()
          .createSocket("127.0.0.1", aggregator.port())) {
        socket.startHandshake();
        served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
      served.verify(served.getPublicKey());
      // Trusting that certificate alone is enough to reach Pulse at 127.0.0.1, host name checked.
      HttpClient pinned = HttpClient.newBuilder().sslContext(TestPki.trustingContext(served, null)).build();
      assertThat(send(pinned, URI.create("https://127.0.0.1:" + aggregator.port() + "/livez"), Map.of())
          .statusCode()).isEqualTo(200);
    }
  }

  @Test
  void presentsTheKubeconfigTokenAndItsClientCertificateToKubelets() throws Exception {
    addNode("creds-1", Map.of(GROUP, "creds")).usage(50_000_000L, 32 * MI);
    TestPki.Issued clientCert = kubeletCa.issueClient("pulse-aggregator");
    Path[] files = clientCert.writeTo(Files.createDirectories(tmp.resolve("creds-client")), "client");

    // The kubelets really refuse anonymous requests, so being served below proves the token was sent.
    HttpResponse<String> anonymous = HttpClient.newBuilder().sslContext(kubeletCa.trustingContext()).build().send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + kubelets.port()
            + "/metrics/nodes/creds-1/metrics/resource")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    try (Pulse pulse = Pulse.start("creds", "--kubelet-client-certificate=" + files[0],
        "--kubelet-client-key=" + files[1])) {
      eventually(DEADLINE, () -> assertThat(names(pulse.json(V1BETA1 + "/nodes"))).containsExactly("creds-1"));
    }
    List<FakeKubelets.Request> scrapes = kubelets.requests("creds-1").stream().filter(r -> r.answer() != null).toList();
    assertThat(scrapes).isNotEmpty().allSatisfy(r -> {
      assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN);
      assertThat(r.clientCommonName()).isEqualTo("pulse-aggregator");
    });
  }


  @Test
  void closesConnectionsThatSendNoRequestOrTrickleHeadersOrIdleWhileServingOthers() throws Exception {
    try (Pulse pulse = Pulse.start("timeouts", "--header-read-timeout=500ms", "--idle-connection-timeout=700ms")) {
      // Each time is taken before its connection opens, so the server's timer cannot have started earlier.
      long silentOpened = System.nanoTime();
      SSLSocket silent = pulse.rawConnection();
      long tricklingOpened = System.nanoTime();
      SSLSocket trickling = pulse.rawConnection();
      SSLSocket keptAlive = pulse.rawConnection();
      AtomicInteger trickled = new AtomicInteger();
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = trickling.getOutputStream();
          out.write("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          while (true) {
            out.write('a');
            out.flush();
            trickled.incrementAndGet();
            Thread.sleep(50);
          }
        } catch (IOException | InterruptedException e) {
          // closed by the server, or the test is over
        }
      });
      try {
        writer.start();
        long asked = System.nanoTime();
        assertThat(http1Get(keptAlive, "/livez")).startsWith("HTTP/1.1 200");

        assertThat(millisUntilClosed(silent, silentOpened)).isBetween(500L, 5_000L);
        assertThat(millisUntilClosed(trickling, tricklingOpened)).isBetween(500L, 5_000L);
        writer.interrupt();
        // Bytes kept coming until the end: the header-read timeout, unlike a byte-level idle timeout, still fired.
        assertThat(trickled.get()).isGreaterThanOrEqualTo(3);
        // Its header-read timeout did not apply once it had asked; the idle one did.
        assertThat(millisUntilClosed(keptAlive, asked)).isBetween(700L, 5_000L);

        assertThat(pulse.get("/livez").statusCode()).isEqualTo(200);
        assertThat(pulse.metric("pulse_server_connections_closed_total", "reason=\"header_read_timeout\""))
            .isGreaterThanOrEqualTo(2);
        assertThat(pulse.metric("pulse_server_connections_closed_total", "reason=\"idle_timeout\""))
            .isGreaterThanOrEqualTo(1);
      } finally {
        writer.interrupt();
        silent.close();
        trickling.close();
        keptAlive.close();
      }
    }
  }

  /** kube-apiserver reaches Pulse over HTTP/2: its connection, once it asked, is not taken for a slow one. */
  @Test
  void keepsHttp2ConnectionsThatAskedPastTheHeaderReadTimeout() throws Exception {
    try (Pulse pulse = Pulse.start("http2", "--header-read-timeout=300ms")) {
      HttpResponse<String> first = pulse.get("/livez");
      assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);

      continually(Duration.ofMillis(900), () -> assertThat(
          pulse.metric("pulse_server_connections_closed_total", "reason=\"header_read_timeout\"")).isZero());
      assertThat(pulse.metric("pulse_server_connections", "")).isEqualTo(1);
    }
  }

  @Test
  void closesFiftySilentConnectionsAfterTheHeaderReadTimeoutWhileServingOthers() throws Exception {
    try (Pulse pulse = Pulse.start("fifty", "--header-read-timeout=1s")) {
      List<SSLSocket> silent = new ArrayList<>();
      try {
        long opened = System.nanoTime();
        for (int i = 0; i < 50; i++) {
          silent.add(pulse.rawConnection());
        }
        assertThat(pulse.get(V1BETA1 + "/nodes").statusCode()).isEqualTo(200);

        for (SSLSocket socket : silent) {
          assertThat(millisUntilClosed(socket, opened)).isBetween(1_000L, 10_000L);
        }
        assertThat(pulse.metric("pulse_server_connections_closed_total", "reason=\"header_read_timeout\""))
            .isGreaterThanOrEqualTo(50);
        // Only the connection asking is left, once the server has seen the last of them closed.
        eventually(DEADLINE, () -> assertThat(pulse.metric("pulse_server_connections", "")).isEqualTo(1));
      } finally {
        for (SSLSocket socket : silent) {
          socket.close();
        }
      }
    }
  }

  @Test
  void closesConnectionsBeyondMaxConnectionsAtOnceAndTakesNewOnesWhenOthersClose() throws Exception {
    try (Pulse pulse = Pulse.start("max-connections", "--max-connections=2")) {
      SSLSocket first = pulse.rawConnection();
      try (SSLSocket second = pulse.rawConnection()) {
        // Answered, so both are counted before the third arrives.
        assertThat(http1Get(first, "/livez")).startsWith("HTTP/1.1 200");
        assertThat(http1Get(second, "/livez")).startsWith("HTTP/1.1 200");

        long opened = System.nanoTime();
        try (SSLSocket third = pulse.rawConnection()) {
          // Far sooner than any timeout (30s by default): closed for the cap.
          assertThat(millisUntilClosed(third, opened)).isLessThan(5_000L);
        } catch (IOException closedDuringHandshake) {
          // as good: refused
        }

        first.close();
        eventually(DEADLINE, () -> {
          try (SSLSocket again = pulse.rawConnection()) {
            assertThat(http1Get(again, "/livez")).startsWith("HTTP/1.1 200");
          }
        });
        assertThat(pulse.metric("pulse_server_connections_closed_total", "reason=\"max_connections\""))
            .isGreaterThanOrEqualTo(1);
        assertThat(pulse.metric("pulse_server_connections_limit", "")).isEqualTo(2);
      }
    }
  }

  @Test
  void answers429BeyondMaxRequestsInflightAnd504PastTheRequestTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    heldReviews = release;
    try (Pulse pulse = Pulse.start("inflight", "--max-requests-inflight=1", "--request-timeout=1s")) {
      // Held in flight: its SubjectAccessReview is not answered until released.
      CompletableFuture<HttpResponse<String>> held = pulse.newClient().sendAsync(
          HttpRequest.newBuilder(pulse.uri(V1BETA1 + "/nodes")).header("X-Remote-User", HELD_USER_PREFIX + "1")
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      eventually(DEADLINE, () -> assertThat(apiServer.reviews()).anyMatch(r -> r.getUser().equals(HELD_USER_PREFIX + "1")));

      HttpResponse<String> refused = pulse.get(V1BETA1 + "/nodes");
      assertStatus(refused, 429, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"Too many requests, please try again later.","reason":"TooManyRequests",
           "details":{"retryAfterSeconds":1},"code":429}""");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      // Probes are not held back by a busy server: a 429 would make the kubelet restart it.
      assertThat(pulse.get("/livez").statusCode()).isEqualTo(200);

      assertStatus(held.get(10, TimeUnit.SECONDS), 504, """
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
           "message":"Timeout: request did not complete within requested timeout - context deadline exceeded",
           "reason":"Timeout","details":{},"code":504}""");
      release.countDown();
      // The timed-out request gave its place back before its review came.
      assertThat(pulse.get("/apis").statusCode()).isEqualTo(200);
      assertThat(pulse.metric("pulse_server_requests_rejected_total", "reason=\"max_requests_inflight\"")).isEqualTo(1);
      assertThat(pulse.metric("pulse_server_requests_rejected_total", "reason=\"request_timeout\"")).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void madeUpMethodsDoNotAddMetricSeries() throws Exception {
    try (Pulse pulse = Pulse.start("methods")) {
      HttpClient http = pulse.newClient();
      for (int i = 0; i < 500; i++) {
        HttpRequest request = HttpRequest.newBuilder(pulse.uri(V1BETA1 + "/nodes"))
            .method("MADE-UP-" + i, HttpRequest.BodyPublishers.noBody())
            .header("X-Remote-User", "alice").header("X-Remote-Group", "system:authenticated").build();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
      }

      HttpResponse<String> metrics = pulse.get("/metrics");
      List<String> verbs = metrics.body().lines().filter(l -> l.startsWith("pulse_api_request_duration_seconds_count{"))
          .map(l -> l.replaceAll(".*verb=\"([^\"]*)\".*", "$1")).toList();
      assertThat(verbs).containsOnlyOnce("other").allMatch(v -> List.of("get", "list", "other").contains(v));
      assertThat(pulse.metric("pulse_api_request_duration_seconds_count",
          "code=\"405\",resource=\"nodes\",verb=\"other\"")).isEqualTo(500);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A started aggregator scraping the nodes of one group, and a client that verifies its certificate. */
  static final class Pulse implements AutoCloseable {
    final Aggregator aggregator;
    final TestPki.Issued serving;
    final Path certFile;
    private final HttpClient http;

    private Pulse(Aggregator aggregator, TestPki.Issued serving, Path certFile) {
      this.aggregator = aggregator;
      this.serving = serving;
      this.certFile = certFile;
      this.http = newClient();
    }

    static Pulse start(String group, String... extraFlags) throws Exception {
      Path dir = Files.createDirectories(tmp.resolve("pulse-" + group));
      TestPki.Issued serving = servingCa.issueServer("pulse-" + group, "127.0.0.1", "localhost");
      Path[] files = serving.writeTo(dir, "serving");
      List<String> flags = new ArrayList<>(List.of("--tls-cert-file=" + files[0], "--tls-private-key-file=" + files[1]));
      flags.addAll(List.of(extraFlags));
      return new Pulse(Aggregator.start(options(group, flags), client, false), serving, files[0]);
    }

    /** A client of its own (so connections of its own) that presents the front proxy's certificate. */
    HttpClient newClient() {
      return HttpClient.newBuilder().sslContext(servingCa.trustingContext(frontProxyClient))
          .connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI uri(String path) {
      return URI.create("https://127.0.0.1:" + aggregator.port() + path);
    }

    /** GET as alice through the front proxy. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return get(path, null);
    }

    HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
      Map<String, String> headers = new LinkedHashMap<>(AS_ALICE);
      if (accept != null) {
        headers.put("Accept", accept);
      }
      return send(http, uri(path), headers);
    }

    HttpResponse<byte[]> getBytes(String path, String accept) throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5));
      AS_ALICE.forEach(request::header);
      return http.send(request.header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The body of a 200 JSON answer. */
    JsonNode json(String path) throws IOException, InterruptedException {
      return json(path, null);
    }

    JsonNode json(String path, String accept) throws IOException, InterruptedException {
      HttpResponse<String> response = get(path, accept);
      assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      return JSON.readTree(response.body());
    }

    double scrapeErrors(String reason) throws IOException, InterruptedException {
      return metric("pulse_kubelet_scrape_errors_total", "reason=\"" + reason + "\"");
    }

    /** A sample of the aggregator's own /metrics with exactly these labels. */
    double metric(String name, String labels) throws IOException, InterruptedException {
      HttpResponse<String> response = get("/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(labels.isEmpty() ? name : name + "{" + labels + "}")
          + " (\\S+)$")
          .matcher(response.body());
      assertThat(m.find()).as("%s{%s} in /metrics", name, labels).isTrue();
      return Double.parseDouble(m.group(1));
    }

    /** A TLS connection of its own, without ALPN (so HTTP/1.1), its handshake done. */
    SSLSocket rawConnection() throws IOException {
      SSLSocket socket = (SSLSocket) servingCa.trustingContext(frontProxyClient).getSocketFactory()
          .createSocket("127.0.0.1", aggregator.port());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return socket;
    }

    /** The serving certificate a new TLS connection is given, verified against the serving CA and 127.0.0.1. */
    X509Certificate peerCertificate() throws IOException {
      try (SSLSocket socket = (SSLSocket) servingCa.trustingContext().getSocketFactory()
          .createSocket("127.0.0.1", aggregator.port())) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
    }

    @Override
    public void close() {
      aggregator.close();
    }
  }

  /** The flags every aggregator here runs with, as a deployment would pass them, plus {@code extraFlags}. */
  private static AggregatorOptions options(String group, List<String> extraFlags) throws IOException {
    Path kubeletCaFile = kubeletCa.writeCertTo(Files.createDirectories(tmp.resolve("pulse-" + group)), "kubelet-ca");
    List<String> args = new ArrayList<>(List.of(
        "--secure-port=0", "--bind-address=127.0.0.1",
        "--metric-resolution=1s", "--kubelet-request-timeout=500ms",
        "--kubelet-use-node-status-port", "--kubelet-certificate-authority=" + kubeletCaFile,
        "--node-selector=" + GROUP + "=" + group));
    args.addAll(extraFlags);
    AggregatorOptions options = new AggregatorOptions();
    new CommandLine(options).parseArgs(args.toArray(String[]::new));
    assertThat(options.validate()).isEmpty();
    return options;
  }

  private static HttpResponse<String> send(HttpClient http, URI uri, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GET over an HTTP/1.1 connection kept alive; the status line and headers of the answer (its body read). */
  private static String http1Get(SSLSocket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) b);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
    return head.toString();
  }

  /** Blocks until the server closes {@code socket} (a reset counts); the milliseconds since {@code sinceNanos}. */
  private static long millisUntilClosed(SSLSocket socket, long sinceNanos) {
    try {
      while (socket.getInputStream().read() >= 0) {
        // whatever was still on its way
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + (System.nanoTime() - sinceNanos) / 1_000_000 + "ms", e);
    } catch (IOException e) {
      // reset or aborted: closed all the same
    }
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }

  /** For looking at a certificate before deciding to trust it. */
  private static SSLContext trustingAnyServer() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return context;
  }

  private static FakeKubelets.SimNode addNode(String name, Map<String, String> labels) {
    FakeKubelets.SimNode node = kubelets.addNode(name);
    client.nodes().resource(kubelets.nodeObject(name, labels)).create();
    return node;
  }

  private static void addPod(String namespace, String name, String node, String phase, Map<String, String> labels) {
    client.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("registry.example/app:1")
        .endContainer().endSpec()
        .withNewStatus().withPhase(phase).endStatus()
        .build()).create();
  }

  /** Polls {@code step} until it returns true; every poll's assertions must hold until then. */
  private static void pollUntil(Duration timeout, PollStep step) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!step.run()) {
      assertThat(System.nanoTime() - deadline).as("condition not reached within %s", timeout).isNegative();
      Thread.sleep(20);
    }
  }

  @FunctionalInterface
  private interface PollStep {
    boolean run() throws Exception;
  }

  private static void assertStatus(HttpResponse<String> response, int code, String expectedJson) throws IOException {
    assertThat(response.statusCode()).isEqualTo(code);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(expectedJson));
  }

  /** metrics-server stamps every object with the time of the request. */
  private static void assertCreatedNow(JsonNode object) {
    Instant created = Instant.parse(object.at("/metadata/creationTimestamp").asText());
    assertThat(created.toEpochMilli()).isCloseTo(System.currentTimeMillis(), within(5_000L));
  }

  /** The timestamp is the kubelet's sample time (to the second), not when Pulse scraped or answered. */
  private static void assertSampleOf(JsonNode object, String node) {
    long timestamp = Instant.parse(object.path("timestamp").asText()).toEpochMilli();
    assertThat(kubelets.node(node).sampleTimesMillis()).contains(timestamp);
  }

  private static JsonNode usage(String cpu, String memory) {
    Map<String, String> usage = new LinkedHashMap<>();
    usage.put("cpu", cpu);
    usage.put("memory", memory);
    return JSON.valueToTree(usage);
  }

  private static JsonNode container(String name, String cpu, String memory) {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", name);
    container.put("usage", usage(cpu, memory));
    return JSON.valueToTree(container);
  }

  private static List<String> names(JsonNode list) {
    return StreamSupport.stream(list.path("items").spliterator(), false)
        .map(i -> i.at("/metadata/name").asText()).toList();
  }

  private static List<String> namespacedNames(JsonNode list) {
    return StreamSupport.stream(list.path("items").spliterator(), false)
        .map(i -> i.at("/metadata/namespace").asText() + "/" + i.at("/metadata/name").asText()).toList();
  }

  private static List<String> columnNames(JsonNode table) {
    return StreamSupport.stream(table.path("columnDefinitions").spliterator(), false)
        .map(c -> c.path("name").asText()).toList();
  }

  private static List<List<String>> cells(JsonNode table) {
    return StreamSupport.stream(table.path("rows").spliterator(), false)
        .map(r -> StreamSupport.stream(r.path("cells").spliterator(), false).map(JsonNode::asText).toList())
        .toList();
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  private static String encode(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  /** Each answer says "now" to the second in every creationTimestamp; two requests may straddle a second. */
  private static JsonNode withoutCreationTimestamps(JsonNode object) {
    JsonNode copy = object.deepCopy();
    copy.findParents("creationTimestamp").forEach(meta -> ((ObjectNode) meta).remove("creationTimestamp"));
    return copy;
  }
}
