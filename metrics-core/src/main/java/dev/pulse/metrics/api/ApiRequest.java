package dev.pulse.metrics.api;

import dev.pulse.metrics.api.types.MetricsGroup;
import java.util.Map;
import java.util.Optional;

/**
 * What a request asks for, parsed once from its method, path and query: the API handlers serve
 * it and the authorizer checks exactly these attributes (verb, resource, namespace, name).
 *
 * @param resource the resource, or null for a discovery path
 * @param verb {@code get}, {@code list} or {@code watch} (Kubernetes request verbs)
 * @param namespace the namespace for namespaced requests, else null
 * @param name the object's name for {@code get}, else null
 * @param path the request path (what a non-resource authorization check names)
 */
public record ApiRequest(Resource resource, String verb, String namespace, String name, String path,
    Map<String, String> query) {

  private static final String PREFIX = MetricsGroup.PATH + "/";

  public boolean isDiscovery() {
    return resource == null;
  }

  public String labelSelector() {
    return query.get("labelSelector");
  }

  public String fieldSelector() {
    return query.get("fieldSelector");
  }

  /** Parses a GET path; empty when Pulse serves nothing there. */
  public static Optional<ApiRequest> parse(String path, Map<String, String> query) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (p.equals("/apis") || p.equals("/apis/" + MetricsGroup.GROUP) || p.equals(MetricsGroup.PATH)) {
      return Optional.of(new ApiRequest(null, "get", null, null, p, query));
    }
    if (!p.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] seg = p.substring(PREFIX.length()).split("/", -1);
    // The API server's bool rule for query parameters: any value but "0" or "false" (any case) is true.
    String w = query.get("watch");
    boolean watch = w != null && !w.equals("0") && !w.equalsIgnoreCase("false");
    if (seg[0].equals(Resource.NODES.path) && seg.length <= 2) {
      return Optional.ofNullable(resourceRequest(Resource.NODES, null, seg.length == 2 ? seg[1] : null, watch, p, query));
    }
    if (seg[0].equals(Resource.PODS.path) && seg.length == 1) {
      return Optional.ofNullable(resourceRequest(Resource.PODS, null, null, watch, p, query));
    }
    if (seg[0].equals("namespaces") && seg.length >= 3 && seg.length <= 4 && seg[2].equals(Resource.PODS.path)) {
      return Optional.ofNullable(resourceRequest(Resource.PODS, seg[1], seg.length == 4 ? seg[3] : null, watch, p, query));
    }
    return Optional.empty();
  }

  private static ApiRequest resourceRequest(Resource resource, String namespace, String name, boolean watch,
      String path, Map<String, String> query) {
    if (namespace != null && namespace.isEmpty() || name != null && name.isEmpty()) {
      return null;
    }
    // As in the API server's RequestInfo, only a request without a name can be a watch.
    String verb = name != null ? "get" : watch ? "watch" : "list";
    return new ApiRequest(resource, verb, namespace, name, path, query);
  }
}
