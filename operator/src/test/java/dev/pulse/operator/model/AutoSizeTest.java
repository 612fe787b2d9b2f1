package dev.pulse.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.AutoSizeSpec;
import dev.pulse.operator.api.AutoSizeStatus;
import dev.pulse.operator.model.AutoSize.Decision;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AutoSizeTest {

  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
  private static final AutoSizeSpec DEFAULTS = new AutoSizeSpec();

  /** The line through what make bench measured: 3 nodes idle, 1,003 nodes of 30 pods. */
  @Test
  void theDefaultsFollowTheMeasuredSlope() {
    assertThat(sized(3)).isEqualTo(resources("51m", "181Mi", "265Mi"));
    // Measured at 1,003 nodes: 405Mi resident at a 512Mi limit, 58m of CPU on average.
    assertThat(sized(1000)).isEqualTo(resources("100m", "400Mi", "514Mi"));
    assertThat(sized(2000)).isEqualTo(resources("150m", "620Mi", "764Mi"));
    ResourceRequirements at1003 = sized(1003);
    assertThat(bytes(at1003.getLimits().get("memory"))).isGreaterThanOrEqualTo(512L << 20);
    assertThat(bytes(at1003.getRequests().get("memory"))).isBetween(390L << 20, 420L << 20);
  }

  @Test
  void theMemoryLimitIsNeverBelowTheRequest() {
    AutoSizeSpec spec = new AutoSizeSpec();
    spec.getBase().setMemoryLimit("100Mi");
    spec.getPerNode().setMemoryLimit("0");
    assertThat(AutoSize.resources(spec, 10).getLimits().get("memory")).isEqualTo(new Quantity("183Mi"));
  }

  @Test
  void theToleranceIsAPercentageOfAtLeastTenNodes() {
    assertThat(AutoSize.withinTolerance(3, 13, 10)).isTrue();
    assertThat(AutoSize.withinTolerance(3, 14, 10)).isFalse();
    assertThat(AutoSize.withinTolerance(1000, 1100, 10)).isTrue();
    assertThat(AutoSize.withinTolerance(1000, 1101, 10)).isFalse();
    assertThat(AutoSize.withinTolerance(1000, 899, 10)).isFalse();
    assertThat(AutoSize.withinTolerance(1000, 1200, 20)).isTrue();
  }

  @Test
  void theFirstCountIsTakenAtOnce() {
    Decision decision = AutoSize.decide(DEFAULTS, false, null, OptionalInt.of(3), NOW);
    assertThat(decision.nodes()).contains(3);
    assertThat(decision.resources()).contains(sized(3));
    assertThat(decision.pendingNodes()).isEmpty();
  }

  @Test
  void withoutACountNothingIsSizedOrChanged() {
    Decision none = AutoSize.decide(DEFAULTS, false, null, OptionalInt.empty(), NOW);
    assertThat(none.resources()).isEmpty();
    // A starting aggregator may report no node selected yet: not a count.
    assertThat(AutoSize.decide(DEFAULTS, false, null, OptionalInt.of(0), NOW).resources()).isEmpty();
    Decision kept = AutoSize.decide(DEFAULTS, false, status(200, null, null), OptionalInt.empty(), NOW);
    assertThat(kept.nodes()).contains(200);
    assertThat(kept.resources()).contains(sized(200));
  }

  @Test
  void aScalingNodeGroupResizesOnceAfterItSettles() {
    AutoSizeStatus status = status(3, null, null);
    // The group grows in steps; each reading is outside the band around 3.
    Decision first = step(status, 60, NOW);
    assertThat(first.nodes()).contains(3);
    assertThat(first.pendingNodes()).contains(60);
    assertThat(first.due()).contains(NOW.plus(AutoSize.STABILIZATION));
    Decision second = step(toStatus(first), 150, NOW.plusSeconds(20));
    assertThat(second.nodes()).as("still waiting").contains(3);
    assertThat(second.pendingSince()).as("since the first reading outside").contains(NOW);
    Decision third = step(toStatus(second), 200, NOW.plusSeconds(40));
    assertThat(third.resources()).contains(sized(3));
    Decision settled = step(toStatus(third), 200, NOW.plusSeconds(60));
    assertThat(settled.nodes()).as("once, to the final count").contains(200);
    assertThat(settled.resources()).contains(sized(200));
    assertThat(settled.pendingNodes()).isEmpty();

    // Small moves around the new count change nothing.
    Decision wobble = step(toStatus(settled), 190, NOW.plusSeconds(200));
    assertThat(wobble.nodes()).contains(200);
    assertThat(wobble.pendingNodes()).isEmpty();
  }

  @Test
  void aCountThatComesBackInsideTheBandCancelsThePendingChange() {
    Decision away = step(status(200, null, null), 3, NOW);
    assertThat(away.pendingNodes()).contains(3);
    Decision back = step(toStatus(away), 195, NOW.plusSeconds(30));
    assertThat(back.pendingNodes()).isEmpty();
    assertThat(back.pendingSince()).isEmpty();
    Decision awayAgain = step(toStatus(back), 3, NOW.plusSeconds(70));
    assertThat(awayAgain.nodes()).as("the minute starts again").contains(200);
    assertThat(awayAgain.pendingSince()).contains(NOW.plusSeconds(70));
  }

  @Test
  void explicitResourcesWin() {
    Decision decision = AutoSize.decide(DEFAULTS, true, status(200, null, null), OptionalInt.of(500), NOW);
    assertThat(decision.overridden()).isTrue();
    assertThat(decision.resources()).isEmpty();
  }

  private static Decision step(AutoSizeStatus previous, int nodes, Instant now) {
    return AutoSize.decide(DEFAULTS, false, previous, OptionalInt.of(nodes), now);
  }

  private static AutoSizeStatus toStatus(Decision decision) {
    return status(decision.nodes().orElse(null), decision.pendingNodes().orElse(null),
        decision.pendingSince().orElse(null));
  }

  private static AutoSizeStatus status(Integer nodes, Integer pendingNodes, Instant pendingSince) {
    AutoSizeStatus status = new AutoSizeStatus();
    status.setNodes(nodes);
    status.setPendingNodes(pendingNodes);
    status.setPendingSince(Optional.ofNullable(pendingSince).map(Instant::toString).orElse(null));
    return status;
  }

  private static ResourceRequirements sized(int nodes) {
    return AutoSize.resources(DEFAULTS, nodes);
  }

  private static ResourceRequirements resources(String cpu, String memory, String limit) {
    return new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity(cpu))
        .addToRequests("memory", new Quantity(memory)).addToLimits("memory", new Quantity(limit)).build();
  }

  private static long bytes(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity).longValueExact();
  }
}
