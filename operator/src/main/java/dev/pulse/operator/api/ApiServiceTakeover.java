package dev.pulse.operator.api;

/**
 * Whether the operator may replace an APIService {@code v1beta1.metrics.k8s.io} it did not create.
 * There is one per cluster, so installing Pulse next to metrics-server (or prometheus-adapter, or a
 * distribution's bundled metrics-server) is a conflict someone has to decide.
 */
public enum ApiServiceTakeover {
  /** Leave a foreign APIService alone and report who owns it. */
  Never,
  /**
   * Replace a foreign APIService only when the Service it points at does not exist, the remains of
   * an uninstalled metrics-server that otherwise breaks discovery of metrics.k8s.io for everyone.
   */
  IfOrphaned,
  /**
   * Replace a foreign APIService: the migration path from a running metrics-server. Either kind of
   * replacement waits until an aggregator pod is ready, so metrics.k8s.io never goes unanswered.
   */
  Always
}
