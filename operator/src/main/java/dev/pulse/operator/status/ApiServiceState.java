package dev.pulse.operator.status;

/** The APIService {@code v1beta1.metrics.k8s.io} as observed. */
public sealed interface ApiServiceState {

  /** Not created yet. */
  record Absent() implements ApiServiceState {}

  /**
   * Held by someone else, and the takeover policy does not allow replacing it.
   *
   * @param owner who, in words ("Service kube-system/metrics-server, managed by Helm")
   */
  record Foreign(String owner) implements ApiServiceState {}

  /**
   * Held by someone else whom the pipeline may replace, and kept with them until an aggregator is
   * ready to serve: {@code kubectl top} and autoscalers see no gap.
   *
   * @param owner who, in words, as for {@link Foreign}
   */
  record HandingOver(String owner) implements ApiServiceState {}

  /**
   * Ours, with kube-apiserver's verdict: its {@code Available} condition.
   *
   * @param available {@code True}, {@code False} or {@code Unknown} (also when not reported yet)
   */
  record Owned(String available, String reason, String message) implements ApiServiceState {}
}
