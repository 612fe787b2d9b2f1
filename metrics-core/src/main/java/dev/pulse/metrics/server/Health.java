package dev.pulse.metrics.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A named set of checks rendered as Kubernetes health endpoints do: {@code ok}, or one line per
 * check ({@code [+]name ok} / {@code [-]name failed: reason}) with {@code ?verbose} or on failure;
 * each check also alone at {@code /<endpoint>/<check>}.
 */
final class Health {

  /** A check returns null when healthy, else why not. */
  private final Map<String, Supplier<String>> checks = new LinkedHashMap<>();
  private final String endpoint;

  Health(String endpoint) {
    this.endpoint = endpoint;
  }

  Health add(String name, Supplier<String> check) {
    checks.put(name, check);
    return this;
  }

  /**
   * The HTTP status and text body for one probe.
   *
   * @param nosniff whether Go's handler sends {@code X-Content-Type-Options: nosniff}: the whole
   *     endpoint always does, one check only when it fails ({@code http.Error} sets it)
   */
  record Result(int status, String body, boolean nosniff) {}

  String endpoint() {
    return endpoint;
  }

  List<String> checkNames() {
    return List.copyOf(checks.keySet());
  }

  /** One check alone, as the API server answers {@code /livez/<check>}; empty for a check it does not have. */
  Optional<Result> evaluate(String check) {
    Supplier<String> probe = checks.get(check);
    if (probe == null) {
      return Optional.empty();
    }
    String problem = probe.get();
    return Optional.of(problem == null ? new Result(200, "ok", false)
        : new Result(500, "internal server error: " + problem + "\n", true));
  }

  Result evaluate(boolean verbose) {
    StringBuilder lines = new StringBuilder();
    boolean healthy = true;
    for (Map.Entry<String, Supplier<String>> check : checks.entrySet()) {
      String problem = check.getValue().get();
      if (problem == null) {
        lines.append("[+]").append(check.getKey()).append(" ok\n");
      } else {
        healthy = false;
        lines.append("[-]").append(check.getKey()).append(" failed: ").append(problem).append('\n');
      }
    }
    if (healthy) {
      return new Result(200, verbose ? lines + endpoint + " check passed\n" : "ok", true);
    }
    return new Result(500, lines + endpoint + " check failed\n", true);
  }
}
