package dev.pulse.metrics.scrape;

import dev.pulse.metrics.storage.Dropped;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what scrapes leave out of the API: every left-out usage is counted by cause, and each pod's
 * (or node's) cause is logged once, when it appears or changes, not on every scrape. A kubelet
 * that sends garbage for all its pods still fills only a few lines a minute: beyond that, lines
 * are counted and the count is told with the next line.
 */
final class DroppedUsage {

  private static final Logger LOG = LoggerFactory.getLogger(DroppedUsage.class);
  static final int LINES_PER_MINUTE = 20;
  private static final long MINUTE_MILLIS = 60_000;

  private final Map<Dropped.Cause, Counter> counters = new EnumMap<>(Dropped.Cause.class);
  /** Per node, what its last report left out; only nodes leaving something out have an entry. */
  private final Map<String, Map<String, Dropped.Cause>> leftOut = new HashMap<>();
  private final LongSupplier clock;
  private long windowStart;
  private int linesInWindow;
  private int suppressed;

  DroppedUsage(MeterRegistry registry, LongSupplier clock) {
    this.clock = clock;
    this.windowStart = clock.getAsLong();
    for (Dropped.Cause cause : Dropped.Cause.values()) {
      counters.put(cause, Counter.builder("pulse.kubelet.dropped").tag("cause", cause.label())
          .description("Usage left out of the API by cause: pods and nodes per scrape, series that name no pod")
          .register(registry));
    }
  }

  void record(String node, List<Dropped> dropped) {
    if (dropped.isEmpty()) {
      leftOut.remove(node);
      return;
    }
    Map<String, Dropped.Cause> before = leftOut.getOrDefault(node, Map.of());
    Map<String, Dropped.Cause> now = new HashMap<>();
    for (Dropped d : dropped) {
      counters.get(d.cause()).increment();
      now.put(d.subject(), d.cause());
      if (before.get(d.subject()) != d.cause()) {
        log(node, d);
      }
    }
    leftOut.put(node, now);
  }

  /** Forgets nodes no longer scraped. */
  void retainNodes(Set<String> nodes) {
    leftOut.keySet().retainAll(nodes);
  }

  private void log(String node, Dropped d) {
    long now = clock.getAsLong();
    if (now - windowStart >= MINUTE_MILLIS) {
      windowStart = now;
      linesInWindow = 0;
    }
    if (linesInWindow >= LINES_PER_MINUTE) {
      suppressed++;
      return;
    }
    linesInWindow++;
    String more = suppressed == 0 ? "" : " (" + suppressed + " more left out before this, not logged: over "
        + LINES_PER_MINUTE + " lines a minute)";
    suppressed = 0;
    LOG.warn("node {}: {} left out of the metrics API ({}): {}; logged again only when the cause changes{}",
        node, d.subject(), d.cause().label(), d.detail(), more);
  }
}
