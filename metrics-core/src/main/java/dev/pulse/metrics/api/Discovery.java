package dev.pulse.metrics.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.types.MetricsGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Discovery documents, in the field order Go writes them. The kube-apiserver aggregator reads these
 * to learn what Pulse serves (the aggregated {@code APIGroupDiscoveryList} when it asks for one on
 * {@code /apis}, else the legacy documents); kubectl then finds {@code nodes} and {@code pods} here.
 */
public final class Discovery {

  private static final String AGGREGATED_GROUP = "apidiscovery.k8s.io";
  /** v2beta1 is no longer served: Kubernetes 1.33 removed it, and metrics-server v0.8.0 with it. */
  private static final String AGGREGATED_VERSION = "v2";
  private static final String AGGREGATED_KIND = "APIGroupDiscoveryList";
  private static final String AGGREGATED_JSON = "application/json;g=" + AGGREGATED_GROUP + ";v=" + AGGREGATED_VERSION
      + ";as=" + AGGREGATED_KIND;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Object> AGGREGATED_BODY = aggregatedList();
  private static final byte[] AGGREGATED = encode(typed(AGGREGATED_BODY));
  /**
   * The API server hashes the list as it caches it, before the serializer adds kind and apiVersion:
   * the same ETag as metrics-server's for the same resources.
   */
  private static final String AGGREGATED_ETAG = "\"" + ETags.sha512(encode(AGGREGATED_BODY)) + "\"";

  private Discovery() {}

  /**
   * Whether the first representation of the Accept header that Pulse can produce is aggregated
   * discovery ({@code /apis} only: group and version documents have no aggregated form).
   */
  public static boolean aggregatedRequested(String accept) {
    for (AcceptClauses.Clause clause : AcceptClauses.parse(accept)) {
      if (!clause.admits("application", "json")) {
        continue;
      }
      Map<String, String> p = clause.params();
      if (!p.containsKey("as") && !p.containsKey("g") && !p.containsKey("v")) {
        return false;
      }
      if (AGGREGATED_GROUP.equals(p.get("g")) && AGGREGATED_VERSION.equals(p.get("v"))
          && AGGREGATED_KIND.equals(p.get("as"))) {
        return true;
      }
    }
    return false;
  }

  /** {@code /apis} as an {@code APIGroupDiscoveryList}, 304 when the client holds it already. */
  public static Reply aggregated(String ifNoneMatch) {
    List<Reply.Header> headers = List.of(new Reply.Header("Content-Type", AGGREGATED_JSON),
        new Reply.Header("ETag", AGGREGATED_ETAG), new Reply.Header("Vary", "Accept"),
        new Reply.Header("Cache-Control", "public"));
    // An exact comparison, not HTTP's list matching: the API server's own (ServeHTTPWithETag).
    if (AGGREGATED_ETAG.equals(ifNoneMatch)) {
      return new Reply(304, headers.subList(1, headers.size()), new byte[0]);
    }
    return new Reply(200, headers, AGGREGATED.clone());
  }

  static Object forPath(String path) {
    if (path.equals("/apis")) {
      // Without apiVersion, as the generic API server writes it (in protobuf too).
      return ordered("kind", "APIGroupList", "groups", List.of(group(false)));
    }
    if (path.equals("/apis/" + MetricsGroup.GROUP)) {
      return group(true);
    }
    return ordered("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", MetricsGroup.GROUP_VERSION,
        "resources", List.of(resource(Resource.NODES), resource(Resource.PODS)));
  }

  private static Map<String, Object> group(boolean typed) {
    Map<String, Object> version = ordered("groupVersion", MetricsGroup.GROUP_VERSION, "version", MetricsGroup.VERSION);
    Map<String, Object> group = typed ? ordered("kind", "APIGroup", "apiVersion", "v1") : new LinkedHashMap<>();
    group.putAll(ordered("name", MetricsGroup.GROUP, "versions", List.of(version), "preferredVersion", version));
    return group;
  }

  /**
   * {@code singularName} stays empty on purpose: a non-empty one stops kube-apiserver from
   * deriving names from the Kind and breaks {@code kubectl get NodeMetrics} (metrics-server a9fdc887).
   */
  private static Map<String, Object> resource(Resource r) {
    return ordered("name", r.path, "singularName", "", "namespaced", r.namespaced, "kind", r.kind,
        "verbs", List.of("get", "list"));
  }

  private static Map<String, Object> aggregatedList() {
    List<Object> resources = List.of(aggregatedResource(Resource.NODES), aggregatedResource(Resource.PODS));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", MetricsGroup.GROUP);
    // Go's metav1.Time zero value: written as null, never omitted.
    metadata.put("creationTimestamp", null);
    Map<String, Object> group = ordered("metadata", metadata, "versions",
        List.of(ordered("version", MetricsGroup.VERSION, "resources", resources, "freshness", "Current")));
    return ordered("metadata", Map.of(), "items", List.of(group));
  }

  /** As {@link #resource}: the kind carries no group or version, singularResource stays empty. */
  private static Map<String, Object> aggregatedResource(Resource r) {
    return ordered("resource", r.path, "responseKind", ordered("group", "", "version", "", "kind", r.kind),
        "scope", r.namespaced ? "Namespaced" : "Cluster", "singularResource", "", "verbs", List.of("get", "list"));
  }

  private static Map<String, Object> typed(Map<String, Object> list) {
    Map<String, Object> typed = ordered("kind", AGGREGATED_KIND, "apiVersion", AGGREGATED_GROUP + "/" + AGGREGATED_VERSION);
    typed.putAll(list);
    return typed;
  }

  private static byte[] encode(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("discovery documents are maps of strings and lists", e);
    }
  }

  private static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
