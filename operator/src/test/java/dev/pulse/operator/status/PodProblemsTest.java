package dev.pulse.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the status says about aggregator pods that do not run. */
class PodProblemsTest {

  @Test
  void runningAndStartingPodsAreNoProblem() {
    Pod starting = pod("a").editStatus().addNewContainerStatus().withName("aggregator")
        .withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState()
        .endContainerStatus().endStatus().build();
    assertThat(PodProblems.of(List.of(pod("b").build(), starting))).isEmpty();
  }

  @Test
  void anUnschedulablePodIsNamedWithTheSchedulersMessage() {
    Pod pending = pod("pulse-metrics-1").editStatus().addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 node(s) didn't match Pod's node"
            + " affinity/selector.").endCondition().endStatus().build();
    assertThat(PodProblems.of(List.of(pending))).contains("pulse-metrics-1 is Unschedulable: 0/3 nodes are"
        + " available: 3 node(s) didn't match Pod's node affinity/selector.");
  }

  @Test
  void aStuckContainerIsNamedWithTheKubeletsReasonAndAnOomKillWithTheFix() {
    Pod pull = pod("p1").editStatus().addNewContainerStatus().withName("aggregator")
        .withNewState().withNewWaiting().withReason("ImagePullBackOff")
        .withMessage("Back-off pulling image \"ghcr.io/pulse/pulse-aggregator:typo\"").endWaiting().endState()
        .endContainerStatus().endStatus().build();
    assertThat(PodProblems.of(List.of(pull)))
        .contains("p1 is ImagePullBackOff: Back-off pulling image \"ghcr.io/pulse/pulse-aggregator:typo\"");

    Pod oom = pod("p2").editStatus().addNewContainerStatus().withName("aggregator")
        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
        .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137).endTerminated()
        .endLastState().endContainerStatus().endStatus().build();
    assertThat(PodProblems.of(List.of(oom)))
        .contains("p2 is CrashLoopBackOff (last exit: OOMKilled; raise spec.resources.limits.memory)");
  }

  @Test
  void theFirstProblemByPodNameAndNotOfPodsOnTheirWayOut() {
    Pod leaving = unschedulable("a").editMetadata().withDeletionTimestamp("2026-11-22T00:00:00Z").endMetadata().build();
    assertThat(PodProblems.of(List.of(unschedulable("c").build(), leaving, unschedulable("b").build())))
        .hasValueSatisfying(problem -> assertThat(problem).startsWith("b is Unschedulable"));
  }

  private static PodBuilder pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().endStatus();
  }

  private static PodBuilder unschedulable(String name) {
    return pod(name).editStatus().addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("no nodes").endCondition().endStatus();
  }
}
