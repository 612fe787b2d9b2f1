package dev.pulse.operator.status;

import java.util.Optional;

/**
 * The aggregator Deployment as observed.
 *
 * @param desired replicas the spec asks for
 * @param ready pods passing their readiness probe
 * @param updated pods running the current template
 * @param replicas pods of any template: more than {@code updated} while old pods remain
 * @param deadlineExceeded the Deployment reports ProgressDeadlineExceeded
 * @param podProblem why a pod is not running, from its status (say "ImagePullBackOff: …"), if any
 */
public record Workload(int desired, int ready, int updated, int replicas, boolean deadlineExceeded,
    Optional<String> podProblem) {

  /** Whether a new spec is still replacing pods, or pods are missing. */
  public boolean rollingOut() {
    return !deadlineExceeded && (updated < desired || ready < desired || replicas > updated);
  }

  /** Before the Deployment exists. */
  public static Workload notCreated(int desired) {
    return new Workload(desired, 0, 0, 0, false, Optional.empty());
  }
}
