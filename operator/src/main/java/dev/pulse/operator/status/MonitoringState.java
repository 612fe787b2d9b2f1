package dev.pulse.operator.status;

import java.util.List;

/** What became of spec.monitoring: the ServiceMonitor and PrometheusRule asked for. */
public sealed interface MonitoringState {

  /** Nothing asked for, and nothing of the operator's left to remove. */
  record NotRequested() implements MonitoringState {}

  /** @param objects what exists as asked, for example "ServiceMonitor pulse-system/pulse-metrics" */
  record Configured(List<String> objects) implements MonitoringState {}

  /** @param kinds the kinds asked for that kube-apiserver does not serve: their CRDs are not installed */
  record CrdsMissing(List<String> kinds) implements MonitoringState {}

  /** @param error what kube-apiserver answered (never a credential: objects hold none) */
  record Failed(String error) implements MonitoringState {}
}
