package dev.pulse.operator.status;

import java.time.Instant;
import java.util.Optional;

/**
 * Everything the status is computed from, gathered by the reconciler.
 *
 * @param certificateNotAfter expiry of the serving certificate in the Secret, if there is one
 * @param activePipeline another MetricsPipeline that holds the cluster's metrics.k8s.io, if any;
 *     this one then stays inactive
 * @param nodes the aggregator's node summary as last read, empty before the first reading
 */
public record Observations(Workload workload, ApiServiceState apiService, Optional<Instant> certificateNotAfter,
    Optional<String> activePipeline, Optional<NodeReport> nodes) {}
