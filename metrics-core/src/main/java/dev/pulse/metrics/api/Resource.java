package dev.pulse.metrics.api;

/** The two resources of metrics.k8s.io and the names clients see for them. */
public enum Resource {
  NODES("nodes", "NodeMetrics", "nodemetrics", false),
  PODS("pods", "PodMetrics", "podmetrics", true);

  /** Path segment and RBAC resource name. */
  public final String path;
  public final String kind;
  /** The resource named in NotFound errors, as metrics-server names it. */
  public final String errorResource;
  public final boolean namespaced;

  Resource(String path, String kind, String errorResource, boolean namespaced) {
    this.path = path;
    this.kind = kind;
    this.errorResource = errorResource;
    this.namespaced = namespaced;
  }
}
