package dev.pulse.operator.status;

import dev.pulse.operator.model.AutoSize;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the status is computed from, gathered by the reconciler.
 *
 * @param certificateNotAfter expiry of the serving certificate in the Secret, if there is one
 * @param activePipeline another MetricsPipeline that holds the cluster's metrics.k8s.io, if any;
 *     this one then stays inactive
 * @param nodes the aggregator's node summary as last read, empty before the first reading
 * @param authentication the data of ConfigMap {@code kube-system/extension-apiserver-authentication},
 *     empty while it is not seen
 * @param monitoring what became of the ServiceMonitor and PrometheusRule asked for
 * @param autoSize what spec.autoSize decided, when it is enabled
 */
public record Observations(Workload workload, ApiServiceState apiService, Optional<Instant> certificateNotAfter,
    Optional<String> activePipeline, Optional<NodeReport> nodes, Optional<Map<String, String>> authentication,
    MonitoringState monitoring, Optional<AutoSize.Decision> autoSize) {

  /** Without monitoring or autoSize asked for. */
  public Observations(Workload workload, ApiServiceState apiService, Optional<Instant> certificateNotAfter,
      Optional<String> activePipeline, Optional<NodeReport> nodes, Optional<Map<String, String>> authentication) {
    this(workload, apiService, certificateNotAfter, activePipeline, nodes, authentication,
        new MonitoringState.NotRequested(), Optional.empty());
  }
}
