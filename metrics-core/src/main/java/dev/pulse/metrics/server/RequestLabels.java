package dev.pulse.metrics.server;

import dev.pulse.metrics.api.ApiRequest;
import java.util.Set;

/**
 * Labels of the API request metrics. Anyone who can open a connection chooses a request's method
 * and path, so every label here maps them onto a fixed set: each distinct value would otherwise
 * be a new series, in {@code /metrics} and in the heap, for as long as the process lives.
 */
final class RequestLabels {

  /** The Kubernetes verbs a request can be authorized as; kube-apiserver reports the rest as one bucket. */
  private static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete");
  static final String OTHER = "other";

  private RequestLabels() {}

  /** The verb as authorized, or {@value #OTHER} for a method Kubernetes has no verb for. */
  static String verb(String verb) {
    return VERBS.contains(verb) ? verb : OTHER;
  }

  static String resource(ApiRequest request) {
    return request == null ? "none" : request.isDiscovery() ? "discovery" : request.resource().path;
  }
}
