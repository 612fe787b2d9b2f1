package dev.pulse.metrics.api.types;

/** Names of the API group Pulse serves; the one place they are spelled. */
public final class MetricsGroup {
  public static final String GROUP = "metrics.k8s.io";
  public static final String VERSION = "v1beta1";
  public static final String GROUP_VERSION = GROUP + "/" + VERSION;
  /** Path prefix of the resources, e.g. {@code /apis/metrics.k8s.io/v1beta1/nodes}. */
  public static final String PATH = "/apis/" + GROUP_VERSION;
  public static final String NODE_LIST_KIND = "NodeMetricsList";
  public static final String POD_LIST_KIND = "PodMetricsList";

  private MetricsGroup() {}
}
