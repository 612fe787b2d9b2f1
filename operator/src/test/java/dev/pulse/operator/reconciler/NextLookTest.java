package dev.pulse.operator.reconciler;

import static dev.pulse.operator.reconciler.MetricsPipelineReconciler.MONITORING_RECHECK;
import static dev.pulse.operator.reconciler.MetricsPipelineReconciler.NOT_READY_RECHECK;
import static dev.pulse.operator.reconciler.MetricsPipelineReconciler.nextLook;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When a pipeline is reconciled again without an event: a status that can change without a write
 * of ours must not wait for one, since an informer event can be missed.
 */
class NextLookTest {

  private static final Duration CERTIFICATE_DUE = Duration.ofDays(300);

  @Test
  void aReadySettledPipelineWaitsForItsCertificate() {
    assertThat(nextLook(true, false, CERTIFICATE_DUE, Optional.empty(), false)).isEqualTo(CERTIFICATE_DUE);
  }

  @Test
  void aPipelineNotReadyYetIsLookedAtSoon() {
    assertThat(nextLook(false, false, CERTIFICATE_DUE, Optional.empty(), false)).isEqualTo(NOT_READY_RECHECK);
  }

  @Test
  void aReadyPipelineWhoseRolloutRunsIsLookedAtSoonUntilTheOldPodsAreGone() {
    assertThat(nextLook(true, true, CERTIFICATE_DUE, Optional.empty(), false)).isEqualTo(NOT_READY_RECHECK);
  }

  @Test
  void aCertificateAlreadyDueDoesNotSpin() {
    assertThat(nextLook(true, false, Duration.ofSeconds(-5), Optional.empty(), false)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aResizeIsAppliedWhenDueButNotBeforeTheClocksCanAgree() {
    assertThat(nextLook(true, false, CERTIFICATE_DUE, Optional.of(Duration.ofSeconds(40)), false))
        .isEqualTo(Duration.ofSeconds(40));
    assertThat(nextLook(true, false, CERTIFICATE_DUE, Optional.of(Duration.ofMillis(-300)), false))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(nextLook(false, false, CERTIFICATE_DUE, Optional.of(Duration.ofSeconds(40)), false))
        .isEqualTo(NOT_READY_RECHECK);
  }

  @Test
  void requestedMonitoringIsLookedAtEveryMinuteForCrdsInstalledSince() {
    assertThat(nextLook(true, false, CERTIFICATE_DUE, Optional.empty(), true)).isEqualTo(MONITORING_RECHECK);
    assertThat(nextLook(false, false, CERTIFICATE_DUE, Optional.empty(), true)).isEqualTo(NOT_READY_RECHECK);
  }
}
