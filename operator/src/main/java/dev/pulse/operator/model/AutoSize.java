package dev.pulse.operator.model;

import dev.pulse.operator.api.AutoSizeQuantities;
import dev.pulse.operator.api.AutoSizeSpec;
import dev.pulse.operator.api.AutoSizeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * spec.autoSize: the aggregator's resources as a line in the number of nodes it scrapes, and when to
 * move along it. A new size rolls the Deployment, so it changes only when the count has left a band
 * around the count the current size was computed for, and stayed out of it for {@link #STABILIZATION}:
 * a node group scaling step by step then rolls the aggregator once, at the end.
 */
public final class AutoSize {

  /** A band of at least this many nodes: tiny clusters do not resize for one node more or less. */
  public static final int MIN_NODE_STEP = 10;
  /** How long a count must stay outside the band before the size follows it. */
  public static final Duration STABILIZATION = Duration.ofMinutes(1);

  private static final BigDecimal MILLI = BigDecimal.valueOf(1000);
  private static final BigDecimal MEBI = BigDecimal.valueOf(1024L * 1024);

  /**
   * What the reconciler settled on.
   *
   * @param nodes the count the size is computed for; empty before the aggregator first reported one
   * @param resources the aggregator container's resources for {@code nodes}
   * @param pendingNodes a count outside the band, and {@code pendingSince} since when it has been
   * @param overridden spec.resources is set, and wins
   */
  public record Decision(Optional<Integer> nodes, Optional<ResourceRequirements> resources,
      Optional<Integer> pendingNodes, Optional<Instant> pendingSince, boolean overridden) {

    /** When a pending count will have held long enough to be applied. */
    public Optional<Instant> due() {
      return pendingSince.map(since -> since.plus(STABILIZATION));
    }
  }

  private AutoSize() {}

  /**
   * base + perNode × nodes: CPU rounded up to the millicore, memory up to the MiB, and the limit
   * never below the request (the API server would refuse the Deployment).
   */
  public static ResourceRequirements resources(AutoSizeSpec spec, int nodes) {
    BigDecimal cpu = along(spec.getBase(), spec.getPerNode(), AutoSizeQuantities::getCpu, nodes);
    BigDecimal memory = along(spec.getBase(), spec.getPerNode(), AutoSizeQuantities::getMemory, nodes);
    BigDecimal limit = along(spec.getBase(), spec.getPerNode(), AutoSizeQuantities::getMemoryLimit, nodes).max(memory);
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(cpu.multiply(MILLI).setScale(0, RoundingMode.CEILING) + "m"))
        .addToRequests("memory", mebibytes(memory))
        .addToLimits("memory", mebibytes(limit))
        .build();
  }

  /** Whether {@code count} is close enough to {@code basis} to keep the size computed for it. */
  public static boolean withinTolerance(int basis, int count, int tolerancePercent) {
    long band = Math.max(MIN_NODE_STEP, (long) Math.ceil(basis * tolerancePercent / 100.0));
    return Math.abs((long) count - basis) <= band;
  }

  /**
   * @param previous what the status last said (null before the first decision)
   * @param count the nodes the aggregator scrapes as it last reported, empty while it reports nothing
   *     (starting, rolling out); a count of zero is taken for nothing, as a starting aggregator
   *     may report it
   * @param explicit spec.resources is set
   */
  public static Decision decide(AutoSizeSpec spec, boolean explicit, AutoSizeStatus previous, OptionalInt count,
      Instant now) {
    if (explicit) {
      return new Decision(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true);
    }
    Optional<Integer> basis = Optional.ofNullable(previous).map(AutoSizeStatus::getNodes);
    Optional<Integer> pending = Optional.ofNullable(previous).map(AutoSizeStatus::getPendingNodes);
    Optional<Instant> since = Optional.ofNullable(previous).map(AutoSizeStatus::getPendingSince).map(Instant::parse);
    if (count.isPresent() && count.getAsInt() > 0) {
      int nodes = count.getAsInt();
      if (basis.isEmpty()) {
        basis = Optional.of(nodes);
        pending = Optional.empty();
        since = Optional.empty();
      } else if (withinTolerance(basis.get(), nodes, spec.getTolerancePercent())) {
        pending = Optional.empty();
        since = Optional.empty();
      } else if (since.isPresent() && !now.isBefore(since.get().plus(STABILIZATION))) {
        basis = Optional.of(nodes);
        pending = Optional.empty();
        since = Optional.empty();
      } else {
        pending = Optional.of(nodes);
        since = Optional.of(since.orElse(now.truncatedTo(ChronoUnit.SECONDS)));
      }
    }
    return new Decision(basis, basis.map(n -> resources(spec, n)), pending, since, false);
  }

  private static BigDecimal along(AutoSizeQuantities base, AutoSizeQuantities perNode,
      Function<AutoSizeQuantities, String> field, int nodes) {
    return Quantity.getAmountInBytes(new Quantity(field.apply(base)))
        .add(Quantity.getAmountInBytes(new Quantity(field.apply(perNode))).multiply(BigDecimal.valueOf(nodes)));
  }

  private static Quantity mebibytes(BigDecimal bytes) {
    return new Quantity(bytes.divide(MEBI, 0, RoundingMode.CEILING) + "Mi");
  }
}
