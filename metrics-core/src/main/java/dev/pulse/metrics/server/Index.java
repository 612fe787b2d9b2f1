package dev.pulse.metrics.server;

import dev.pulse.metrics.api.types.MetricsGroup;
import dev.pulse.metrics.openapi.OpenApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paths Pulse serves, listed as the API server lists its own: the answer at {@code /} and, with
 * 404, for any path no handler claims. Paths under a REST prefix ({@code /apis/metrics.k8s.io},
 * {@code /version}) answer a NotFound Status instead, as go-restful does there.
 */
final class Index {

  private static final String VERSION = "/version";
  static final String METRICS = "/metrics";
  private static final List<String> REST_ROOTS = List.of("/apis/" + MetricsGroup.GROUP, VERSION);

  private final byte[] listing;

  Index(List<Health> probes) {
    List<String> paths = new ArrayList<>(List.of("/apis", "/apis/" + MetricsGroup.GROUP, MetricsGroup.PATH,
        METRICS, OpenApi.V2, OpenApi.V3, OpenApi.V3 + "/", VERSION));
    for (Health health : probes) {
      String root = "/" + health.endpoint();
      paths.add(root);
      health.checkNames().forEach(check -> paths.add(root + "/" + check));
    }
    paths.sort(null);
    listing = IndentedJson.write(Map.of("paths", paths));
  }

  /** The {@code RootPaths} document. */
  byte[] listing() {
    return listing.clone();
  }

  /** Whether the path is the index itself rather than a path nothing serves. */
  static boolean isIndex(String path) {
    return path.equals("/") || path.equals("/index.html");
  }

  /** {@code /version}, which go-restful also answers with the trailing slash. */
  static boolean isVersion(String path) {
    return path.equals(VERSION) || path.equals(VERSION + "/");
  }

  /** Whether an unserved path lies under a REST prefix, whose 404 is a Status rather than the listing. */
  static boolean underRestRoot(String path) {
    return REST_ROOTS.stream().anyMatch(root -> path.equals(root) || path.startsWith(root + "/"));
  }
}
