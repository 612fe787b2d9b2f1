package dev.pulse.metrics.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.ApiRequest;
import dev.pulse.metrics.api.Resource;
import dev.pulse.metrics.api.types.ContainerMetrics;
import dev.pulse.metrics.api.types.MetricsGroup;
import dev.pulse.metrics.api.types.MetricsList;
import dev.pulse.metrics.api.types.NodeMetrics;
import dev.pulse.metrics.api.types.ObjectMeta;
import dev.pulse.metrics.api.types.PodMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The stored OpenAPI documents against what Pulse really serves: every field of real Pulse objects,
 * encoded as the server encodes them, is described where {@code kubectl explain} looks for it, and
 * the paths described are exactly the paths Pulse answers.
 */
class OpenApiSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OpenApi OPEN_API = OpenApi.load("0.1.0", Instant.EPOCH);
  private static final long NOW = Instant.parse("2026-11-30T23:07:32Z").getEpochSecond();
  private static final Duration WINDOW = Duration.ofSeconds(15);

  private static final NodeMetrics NODE = new NodeMetrics(
      new ObjectMeta("node-a", null, NOW, Map.of("kubernetes.io/hostname", "node-a", "pool", "blue")),
      NOW, WINDOW, Map.of("cpu", "1500m", "memory", "1234567Ki"));
  private static final PodMetrics POD = new PodMetrics(
      new ObjectMeta("web-1", "shop", NOW, Map.of("app", "web")), NOW, WINDOW,
      List.of(new ContainerMetrics("app", Map.of("cpu", "10m", "memory", "20Mi")),
          new ContainerMetrics("sidecar", Map.of("cpu", "0", "memory", "1Ki"))));

  private static JsonNode document(String path) throws IOException {
    return JSON.readTree(OPEN_API.answer(new OpenApi.Request("GET", path, null, null, null, null, null), Instant.EPOCH).body());
  }

  private static JsonNode v2() throws IOException {
    return document(OpenApi.V2);
  }

  private static JsonNode v3() throws IOException {
    return document(OpenApi.V3 + "/apis/metrics.k8s.io/v1beta1");
  }

  @Test
  void describesEveryFieldPulseWritesForNodeAndPodMetrics() throws IOException {
    Map<String, Object> served = Map.of("NodeMetrics", NODE, "PodMetrics", POD,
        "NodeMetricsList", MetricsList.nodes(List.of(NODE)), "PodMetricsList", MetricsList.pods(List.of(POD)));
    for (var document : List.of(new Schemas(v2().path("definitions"), "#/definitions/"),
        new Schemas(v3().path("components").path("schemas"), "#/components/schemas/"))) {
      for (Map.Entry<String, Object> e : served.entrySet()) {
        JsonNode json = JSON.valueToTree(e.getValue());
        List<String> problems = new ArrayList<>();
        document.check(json, document.ofKind(e.getKey()), e.getKey(), problems);
        assertThat(problems).as("%s in %s", e.getKey(), document.prefix()).isEmpty();
        // Guards the check itself: a field the schema does not have is caught.
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("madeUp", "x");
        List<String> caught = new ArrayList<>();
        document.check(json, document.ofKind(e.getKey()), e.getKey(), caught);
        assertThat(caught).containsExactly(e.getKey() + ".madeUp is not described");
      }
    }
  }

  @Test
  void describesExactlyThePathsPulseServes() throws IOException {
    Set<String> described = new TreeSet<>();
    v2().path("paths").fieldNames().forEachRemaining(described::add);

    Set<String> expected = new TreeSet<>(Set.of("/apis/", "/apis/" + MetricsGroup.GROUP + "/", MetricsGroup.PATH + "/",
        "/version/"));
    for (Resource r : Resource.values()) {
      expected.add(MetricsGroup.PATH + "/" + r.path);
      expected.add(MetricsGroup.PATH + "/" + r.path + "/{name}");
      if (r.namespaced) {
        expected.add(MetricsGroup.PATH + "/namespaces/{namespace}/" + r.path);
        expected.add(MetricsGroup.PATH + "/namespaces/{namespace}/" + r.path + "/{name}");
      }
    }
    // Across all namespaces Pulse lists pods but gets none by name: that path is not Kubernetes'.
    expected.remove(MetricsGroup.PATH + "/pods/{name}");
    assertThat(described).isEqualTo(expected);

    Set<String> v3 = new TreeSet<>();
    v3().path("paths").fieldNames().forEachRemaining(v3::add);
    assertThat(v3).isEqualTo(described.stream().filter(p -> p.startsWith(MetricsGroup.PATH)).collect(
        java.util.stream.Collectors.toCollection(TreeSet::new)));
  }

  /** Each described operation, at a concrete path, is the request Pulse parses there, with the kind it returns. */
  @Test
  void eachDescribedOperationIsWhatPulseAnswersThere() throws IOException {
    JsonNode paths = v2().path("paths");
    for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
      String template = it.next();
      if (template.equals("/version/")) {
        continue;
      }
      String path = template.replace("{namespace}", "shop").replace("{name}", "web-1");
      Optional<ApiRequest> parsed = ApiRequest.parse(path, Map.of());
      assertThat(parsed).as(template).isPresent();
      JsonNode get = paths.path(template).path("get");
      String operation = get.path("operationId").asText();
      if (!template.contains("{") && parsed.get().isDiscovery()) {
        assertThat(operation).as(template).startsWith("get");
        continue;
      }
      ApiRequest request = parsed.get();
      assertThat(request.verb()).as(template).isEqualTo(operation.startsWith("list") ? "list" : "get");
      String kind = request.resource().kind + (request.verb().equals("list") ? "List" : "");
      assertThat(get.at("/responses/200/schema/$ref").asText()).as(template).endsWith("v1beta1." + kind);
      assertThat(get.path("x-kubernetes-group-version-kind")).as(template).isEqualTo(JSON.readTree(
          "{\"group\":\"" + MetricsGroup.GROUP + "\",\"kind\":\"" + request.resource().kind + "\",\"version\":\""
              + MetricsGroup.VERSION + "\"}"));
    }
  }

  /** Conversely, no resource path Pulse answers is missing from the documents. */
  @Test
  void pulseAnswersNoResourcePathTheDocumentsLeaveOut() throws IOException {
    Set<String> described = new TreeSet<>();
    v2().path("paths").fieldNames().forEachRemaining(p -> described.add(p.replaceAll("/$", "")));
    List<String> words = List.of("nodes", "pods", "namespaces", "{x}");
    List<String> candidates = new ArrayList<>(List.of(""));
    for (int depth = 0; depth < 4; depth++) {
      List<String> longer = new ArrayList<>();
      for (String c : candidates) {
        words.forEach(w -> longer.add(c + "/" + w));
      }
      candidates.addAll(longer);
      candidates = new ArrayList<>(new TreeSet<>(candidates));
    }
    for (String candidate : candidates) {
      String path = MetricsGroup.PATH + candidate.replace("{x}", "web-1");
      Optional<ApiRequest> parsed = ApiRequest.parse(path, Map.of());
      if (parsed.isPresent()) {
        ApiRequest r = parsed.get();
        String template = r.isDiscovery() ? r.path() : MetricsGroup.PATH
            + (r.namespace() != null ? "/namespaces/{namespace}" : "") + "/" + r.resource().path
            + (r.name() != null ? "/{name}" : "");
        assertThat(described).as("%s answered by Pulse", path).contains(template);
      }
    }
  }

  /** One document's schemas, and a structural check of a JSON value against them. */
  private record Schemas(JsonNode byName, String prefix) {

    JsonNode ofKind(String kind) {
      for (Iterator<Map.Entry<String, JsonNode>> it = byName.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
          if (gvk.path("kind").asText().equals(kind) && gvk.path("group").asText().equals(MetricsGroup.GROUP)
              && gvk.path("version").asText().equals(MetricsGroup.VERSION)) {
            return e.getValue();
          }
        }
      }
      throw new AssertionError(kind + " is not described in " + prefix);
    }

    JsonNode resolve(JsonNode schema) {
      JsonNode ref = schema.get("$ref");
      if (ref == null) {
        JsonNode allOf = schema.path("allOf");
        return allOf.isArray() && allOf.size() == 1 ? resolve(allOf.get(0)) : schema;
      }
      assertThat(ref.asText()).startsWith(prefix);
      return byName.path(ref.asText().substring(prefix.length()));
    }

    void check(JsonNode value, JsonNode schema, String at, List<String> problems) {
      JsonNode s = resolve(schema);
      if (value.isObject()) {
        s.path("required").forEach(r -> {
          if (!value.has(r.asText())) {
            problems.add(at + "." + r.asText() + " is required but not written");
          }
        });
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          JsonNode property = s.path("properties").get(field.getKey());
          JsonNode additional = s.get("additionalProperties");
          if (property != null) {
            check(field.getValue(), property, at + "." + field.getKey(), problems);
          } else if (additional != null) {
            check(field.getValue(), additional, at + "[" + field.getKey() + "]", problems);
          } else {
            problems.add(at + "." + field.getKey() + " is not described");
          }
        }
      } else if (value.isArray()) {
        if (!s.path("type").asText().equals("array")) {
          problems.add(at + " is an array, described as " + s.path("type").asText());
        }
        for (int i = 0; i < value.size(); i++) {
          check(value.get(i), s.path("items"), at + "[" + i + "]", problems);
        }
      } else if (!s.path("type").asText().equals("string") && !s.path("format").asText().equals("int-or-string")
          && !(s.has("oneOf") || s.has("anyOf"))) {
        problems.add(at + " is a string, described as " + s);
      }
    }
  }
}
