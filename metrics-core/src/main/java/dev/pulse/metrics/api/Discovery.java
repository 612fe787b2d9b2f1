package dev.pulse.metrics.api;

import dev.pulse.metrics.api.types.MetricsGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Legacy discovery documents, in the field order Go writes them. The kube-apiserver aggregator
 * reads these to learn what Pulse serves; kubectl then finds {@code nodes} and {@code pods} here.
 */
final class Discovery {

  private Discovery() {}

  static Object forPath(String path) {
    if (path.equals("/apis")) {
      return ordered("kind", "APIGroupList", "apiVersion", "v1", "groups", List.of(group(false)));
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

  private static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
