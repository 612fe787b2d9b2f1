package dev.pulse.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Why an aggregator pod does not run, in the kubelet's and the scheduler's own words, for the
 * status message: what {@code kubectl describe pod} would show first.
 */
public final class PodProblems {

  /** Waiting reasons that do not resolve by waiting (ContainerCreating and PodInitializing do). */
  private static final Set<String> STUCK = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
      "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  private PodProblems() {}

  /** The first problem among {@code pods}, by pod name, as "reason: message". */
  public static Optional<String> of(List<Pod> pods) {
    return pods.stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing(pod -> pod.getMetadata().getName()))
        .flatMap(pod -> problem(pod).stream())
        .findFirst();
  }

  private static Optional<String> problem(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    Optional<String> unschedulable = Stream.ofNullable(pod.getStatus().getConditions()).flatMap(List::stream)
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
            && "Unschedulable".equals(c.getReason()))
        .map(c -> pod.getMetadata().getName() + " is Unschedulable: " + c.getMessage())
        .findFirst();
    if (unschedulable.isPresent()) {
      return unschedulable;
    }
    for (ContainerStatus container : Objects.requireNonNullElse(pod.getStatus().getContainerStatuses(),
        List.<ContainerStatus>of())) {
      if (container.getState() != null && container.getState().getWaiting() != null
          && STUCK.contains(container.getState().getWaiting().getReason())) {
        String message = container.getState().getWaiting().getMessage();
        String lastExit = lastExit(container);
        return Optional.of(pod.getMetadata().getName() + " is " + container.getState().getWaiting().getReason()
            + (message == null ? "" : ": " + message) + lastExit);
      }
    }
    return Optional.empty();
  }

  /** An OOM kill explains a crash loop better than the back-off message does. */
  private static String lastExit(ContainerStatus container) {
    if (container.getLastState() == null || container.getLastState().getTerminated() == null) {
      return "";
    }
    String reason = container.getLastState().getTerminated().getReason();
    return "OOMKilled".equals(reason) ? " (last exit: OOMKilled; raise spec.resources.limits.memory)"
        : reason == null ? "" : " (last exit: " + reason + ")";
  }
}
