package dev.pulse.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.MetricsPipelineStatus;
import dev.pulse.operator.status.Transitions.Note;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which status changes become Events. */
class TransitionsTest {

  private static final MetricsPipelineStatus STARTING = status(
      condition("Ready", "False", "AggregatorStarting", "0 of 1 pods ready"),
      condition("Degraded", "False", "AsExpected", "Nothing needs attention."));
  private static final MetricsPipelineStatus READY = status(
      condition("Ready", "True", "MetricsAvailable", "served by 1 of 1"),
      condition("Degraded", "False", "AsExpected", "Nothing needs attention."));
  private static final MetricsPipelineStatus CONFLICT = status(
      condition("Ready", "False", "APIServiceConflict", "held by Service kube-system/metrics-server"),
      condition("Degraded", "True", "APIServiceConflict", "held by Service kube-system/metrics-server"));

  @Test
  void aNewPipelineSaysWhereItStandsButIsNotDegraded() {
    assertThat(Transitions.between(null, STARTING))
        .containsExactly(new Note("Normal", "AggregatorStarting", "0 of 1 pods ready"));
  }

  @Test
  void becomingReadyIsNews() {
    assertThat(Transitions.between(STARTING, READY))
        .containsExactly(new Note("Normal", "MetricsAvailable", "served by 1 of 1"));
  }

  @Test
  void degradationIsAWarningAndRecoveryIsNews() {
    assertThat(Transitions.between(READY, CONFLICT)).as("one event for one cause").containsExactly(
        new Note("Warning", "APIServiceConflict", "held by Service kube-system/metrics-server"));
    assertThat(Transitions.between(CONFLICT, READY)).containsExactly(
        new Note("Normal", "MetricsAvailable", "served by 1 of 1"));
    assertThat(Transitions.between(CONFLICT, STARTING)).containsExactly(
        new Note("Normal", "AggregatorStarting", "0 of 1 pods ready"),
        new Note("Normal", "Recovered", "Nothing needs attention."));
  }

  @Test
  void aDegradationWithAnotherCauseThanReadysIsBothNews() {
    MetricsPipelineStatus expiring = status(
        condition("Ready", "False", "AggregatorStarting", "0 of 1 pods ready"),
        condition("Degraded", "True", "ProgressDeadlineExceeded", "pods do not start"));
    assertThat(Transitions.between(READY, expiring)).containsExactly(
        new Note("Normal", "AggregatorStarting", "0 of 1 pods ready"),
        new Note("Warning", "ProgressDeadlineExceeded", "pods do not start"));
  }

  @Test
  void anotherMessageOrTimeAloneIsNoNews() {
    MetricsPipelineStatus sameReasons = status(
        condition("Ready", "True", "MetricsAvailable", "served by 2 of 2"),
        condition("Degraded", "False", "AsExpected", "Nothing needs attention."));
    assertThat(Transitions.between(READY, sameReasons)).isEmpty();
    assertThat(Transitions.between(READY, READY)).isEmpty();
  }

  private static MetricsPipelineStatus status(Condition... conditions) {
    MetricsPipelineStatus status = new MetricsPipelineStatus();
    status.setConditions(List.of(conditions));
    return status;
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).build();
  }
}
