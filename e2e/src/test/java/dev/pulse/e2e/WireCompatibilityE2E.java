package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulse.e2e.Https.Answer;
import dev.pulse.e2e.Https.Request;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import k8s.io.apimachinery.pkg.runtime.Generated.Unknown;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated.NodeMetrics;
import k8s.io.metrics.pkg.apis.metrics.v1beta1.Generated.NodeMetricsList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pulse and the real metrics-server v0.8.0, side by side on one cluster, asked the same questions:
 * every path, every representation a client may ask for, errors and other methods included, over
 * HTTP/1.1 and HTTP/2. Status, content type and body must agree, with what legitimately differs
 * between two scrapes (timestamps, windows, usage values) masked, and the few differences that are
 * by design named below with their reason.
 */
@ExtendWith(LocalCluster.Extension.class)
class WireCompatibilityE2E {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String GROUP_VERSION = "/apis/metrics.k8s.io/v1beta1";
  /** Fields whose values are each scrape's: compared for presence, not value. */
  private static final Set<String> PER_SCRAPE = Set.of("timestamp", "creationTimestamp", "window");
  private static final String MASK = "<per scrape>";
  /**
   * Differences by design, each with its reason: these requests must still be answered differently
   * (so the list stays true), and are reported, not failed.
   */
  private static final Map<String, String> BY_DESIGN = Map.of(
      "/livez/log", "metrics-server checks that its log is not blocked; Pulse logs through logback, "
          + "asynchronously, and has no such check (a check that always passes would be a stub)");
  /** Both servers see a new pod only once two scrapes have; a list asked in between may differ. */
  private static final int ATTEMPTS = 4;

  private static final List<String> ACCEPT = List.of(
      "",
      "application/json",
      "*/*",
      "application/vnd.kubernetes.protobuf",
      "application/vnd.kubernetes.protobuf,application/json",
      "application/vnd.kubernetes.protobuf;q=0.5,application/json",
      "application/yaml",
      "application/json;as=Table;v=v1;g=meta.k8s.io",
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
      "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io",
      "text/plain");

  private static LocalCluster cluster;
  private static String pulse;
  private static List<String> pulseTls;
  private static String metricsServer;

  @BeforeAll
  static void bothServers(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    cluster.script("baseline-metrics-server.sh", "start");
    metricsServer = "https://127.0.0.1:" + cluster.port("METRICS_SERVER");
    String namespace = cluster.kubectl("get", "metricspipeline", Pipelines.NAME, "-o", "jsonpath={.spec.namespace}")
        .ok().stdout();
    // As kube-apiserver dials it: the Service's name, verified with the APIService's caBundle.
    String host = "pulse-metrics." + namespace + ".svc";
    int port = cluster.port("AGGREGATOR");
    pulse = "https://" + host + ":" + port;
    List<String> tls = new ArrayList<>(cluster.adminTls());
    tls.set(1, cluster.repo().resolve(".pulse/aggregator/ca.crt").toString());
    tls.addAll(List.of("--resolve", host + ":" + port + ":127.0.0.1"));
    pulseTls = tls;
  }

  @AfterAll
  static void stopMetricsServer() throws Exception {
    cluster.script("baseline-metrics-server.sh", "stop");
  }

  @Test
  void everyRequestGetsTheAnswerMetricsServerGives() throws Exception {
    List<Request> pending = requests();
    Map<Request, String> differences = new LinkedHashMap<>();
    for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty(); attempt++) {
      if (attempt > 1) {
        Thread.sleep(10_000);
      }
      differences.clear();
      for (Request request : pending) {
        String difference = difference(request);
        if (difference != null) {
          differences.put(request, difference);
        }
      }
      pending = new ArrayList<>(differences.keySet());
    }
    Map<Request, String> unexplained = new LinkedHashMap<>(differences);
    unexplained.keySet().removeIf(request -> BY_DESIGN.containsKey(request.path()));
    assertThat(unexplained).as("requests answered differently by Pulse and metrics-server").isEmpty();
    assertThat(differences.keySet().stream().map(Request::path).distinct())
        .as("requests listed as different by design that are now answered the same: remove them from BY_DESIGN")
        .containsExactlyInAnyOrderElementsOf(BY_DESIGN.keySet());
  }

  /**
   * What the HPA controller and client-go ask for first: protobuf, through kube-apiserver. Read
   * within one scrape of the JSON answer, it carries the same nodes, timestamps and usage.
   */
  @Test
  void protobufThroughKubeApiserverCarriesTheValuesOfTheJsonAnswer() throws Exception {
    String apiserver = "https://127.0.0.1:" + cluster.port("APISERVER");
    Request protobuf = Request.get(GROUP_VERSION + "/nodes", "application/vnd.kubernetes.protobuf");
    Request json = Request.get(GROUP_VERSION + "/nodes", "application/json");
    Map<String, String> fromProtobuf = new TreeMap<>();
    Map<String, String> fromJson = new TreeMap<>();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Answer answer = Https.send(cluster.adminTls(), apiserver, protobuf);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.contentType()).isEqualTo("application/vnd.kubernetes.protobuf");
      Unknown envelope = ProtobufBodies.envelope(answer.body());
      assertThat(envelope.getTypeMeta().getApiVersion()).isEqualTo("metrics.k8s.io/v1beta1");
      assertThat(envelope.getTypeMeta().getKind()).isEqualTo("NodeMetricsList");
      fromProtobuf.clear();
      for (NodeMetrics node : NodeMetricsList.parseFrom(envelope.getRaw()).getItemsList()) {
        fromProtobuf.put(node.getMetadata().getName(), Instant.ofEpochSecond(node.getTimestamp().getSeconds())
            + " cpu=" + node.getUsageOrThrow("cpu").getString() + " memory=" + node.getUsageOrThrow("memory").getString());
      }
      fromJson.clear();
      for (JsonNode node : JSON.readTree(Https.send(cluster.adminTls(), apiserver, json).body()).path("items")) {
        fromJson.put(node.at("/metadata/name").asText(), node.path("timestamp").asText()
            + " cpu=" + node.at("/usage/cpu").asText() + " memory=" + node.at("/usage/memory").asText());
      }
      if (fromProtobuf.equals(fromJson)) {
        break;
      }
      Thread.sleep(2_000); // a scrape landed between the two reads
    }
    assertThat(fromProtobuf).isNotEmpty().isEqualTo(fromJson);
  }

  private static List<Request> requests() throws Exception {
    String node = cluster.kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().stdout();
    String pod = cluster.kubectl("get", "pods", "-n", "shop", "-o", "jsonpath={.items[0].metadata.name}").ok().stdout();
    List<String> paths = List.of("/apis", "/apis/metrics.k8s.io", GROUP_VERSION,
        GROUP_VERSION + "/nodes", GROUP_VERSION + "/nodes/" + node, GROUP_VERSION + "/nodes/missing",
        GROUP_VERSION + "/namespaces/shop/pods", GROUP_VERSION + "/namespaces/shop/pods/" + pod,
        GROUP_VERSION + "/namespaces/shop/pods/missing", GROUP_VERSION + "/namespaces/sh%6fp/pods",
        GROUP_VERSION + "/nodes?labelSelector=a%3D%3D%3D", GROUP_VERSION + "/nodes?fieldSelector=spec.x%3Dy",
        GROUP_VERSION + "/pods?watch=true", "/nonexistent");
    List<Request> requests = new ArrayList<>();
    for (String path : paths) {
      for (String accept : ACCEPT) {
        requests.add(Request.get(path, accept));
      }
    }
    for (String path : List.of("/version", "/openapi/v2", "/openapi/v3", "/openapi/v3/apis/metrics.k8s.io/v1beta1",
        "/livez", "/readyz", "/healthz", "/livez/ping", "/readyz/ping", "/healthz/ping", "/livez/log", "/readyz/nope")) {
      requests.add(Request.get(path, ""));
    }
    for (String version : List.of("1.1", "2")) {
      for (String method : List.of("HEAD", "POST", "PUT", "DELETE")) {
        requests.add(new Request(method, GROUP_VERSION + "/nodes/" + node, "", version));
      }
      requests.add(new Request("HEAD", "/livez", "", version));
      requests.add(new Request("GET", GROUP_VERSION + "/nodes", "", version));
    }
    return requests;
  }

  /** How Pulse's answer differs from metrics-server's, or null when they agree. */
  private static String difference(Request request) throws IOException, InterruptedException {
    Answer expected = Https.send(cluster.adminTls(), metricsServer, request);
    Answer actual = Https.send(pulseTls, pulse, request);
    if (expected.status() != actual.status()) {
      return "status " + actual.status() + ", metrics-server " + expected.status() + ": " + actual.text();
    }
    if (!expected.contentType().equals(actual.contentType())) {
      return "content type '" + actual.contentType() + "', metrics-server '" + expected.contentType() + "'";
    }
    String want = canonical(request, expected);
    String got = canonical(request, actual);
    return want.equals(got) ? null : "body\n  " + got + "\nmetrics-server\n  " + want;
  }

  /** The body as compared: parsed, with each scrape's values masked, keys in the order they came. */
  private static String canonical(Request request, Answer answer) {
    String type = answer.contentType();
    try {
      if (answer.body().length == 0) {
        return "";
      }
      if (type.startsWith("application/json")) {
        return byDesign(request, mask(JSON.readTree(answer.body()))).toString();
      }
      if (type.startsWith("application/yaml")) {
        return byDesign(request, mask(YAML.readTree(answer.body()))).toString();
      }
      if (type.startsWith("application/vnd.kubernetes.protobuf")) {
        return ProtobufBodies.canonical(answer.body());
      }
      return answer.text();
    } catch (IOException | AssertionError e) {
      return "not " + type + " (" + e.getMessage() + "): " + answer.text();
    }
  }

  /**
   * What differs by design between the two servers, taken out: each server describes itself in
   * {@code /version} and the OpenAPI {@code info} (and so in the documents' hashes), lists its own
   * health checks in the path index, and metrics-server adds its listen address to {@code /apis}.
   */
  private static JsonNode byDesign(Request request, JsonNode node) {
    String path = request.path();
    if (path.startsWith("/version") && node instanceof ObjectNode version) {
      version.fieldNames().forEachRemaining(name -> version.put(name, MASK));
      // Pulse emulates no Kubernetes version: Go omits these when empty.
      version.remove(List.of("emulationMajor", "emulationMinor", "minCompatibilityMajor", "minCompatibilityMinor"));
    } else if (path.startsWith("/openapi/") && node instanceof ObjectNode document) {
      if (document.has("info")) {
        document.put("info", MASK);
      }
      document.path("paths").forEach(entry -> {
        if (entry.has("serverRelativeURL")) {
          ((ObjectNode) entry).put("serverRelativeURL", entry.get("serverRelativeURL").asText().replaceAll("hash=.*", "hash="));
        }
      });
    } else if (node.has("paths") && node.get("paths").isArray()) {
      ArrayNode paths = (ArrayNode) node.get("paths");
      for (int i = paths.size() - 1; i >= 0; i--) {
        String listed = paths.get(i).asText();
        if (listed.matches("/(livez|readyz|healthz)/.+") || listed.equals("/metrics")) {
          paths.remove(i);
        }
      }
    }
    node.path("groups").forEach(group -> ((ObjectNode) group).remove("serverAddressByClientCIDRs"));
    return node;
  }

  private static JsonNode mask(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (PER_SCRAPE.contains(field.getKey()) || field.getKey().equals("usage")) {
          field.setValue(maskLeaves(field.getValue()));
        } else if (field.getKey().equals("containers") && field.getValue() instanceof ArrayNode containers) {
          // metrics-server lists a pod's containers in Go map order, which changes from call to call.
          List<JsonNode> sorted = new ArrayList<>();
          containers.forEach(sorted::add);
          sorted.sort(Comparator.comparing(c -> c.path("name").asText()));
          containers.removeAll();
          sorted.forEach(c -> containers.add(mask(c)));
        } else if (field.getKey().equals("cells")) {
          // A Table row: the name, then CPU, memory and window of that scrape.
          ArrayNode cells = (ArrayNode) field.getValue();
          for (int i = 1; i < cells.size(); i++) {
            cells.set(i, TextNode.valueOf(MASK));
          }
        } else {
          mask(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(WireCompatibilityE2E::mask);
    }
    return node;
  }

  private static JsonNode maskLeaves(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.fieldNames().forEachRemaining(name -> object.set(name, maskLeaves(object.get(name))));
      return object;
    }
    return TextNode.valueOf(MASK);
  }
}
