package dev.pulse.metrics.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything stored for one node: its own series, its pods' container series and the usages
 * they yield, computed once per scrape so that API reads are plain lookups.
 *
 * @param node the node's series, or null when its last report lacked a node sample
 * @param nodeUsage servable node usage, or null
 * @param pods pods the node reported last, in report order
 * @param reportTimestampMillis kubelet time of the last successful report, -1 if none
 * @param failures consecutive failed scrapes since that report
 */
record NodeState(Series node, Usage nodeUsage, Map<PodRef, PodState> pods, long reportTimestampMillis,
    int failures) {

  /**
   * One pod's containers, in report order, and the usage they yield: null unless every container
   * the pod reported has one, as a partial pod would make the HPA under-count it. Names and series
   * sit in two arrays rather than a map: nearly every pod runs one to three containers, and a pod's
   * state is built anew at every scrape and kept for a resolution, long enough to reach the old
   * generation, where a map per pod left five objects and some 200 bytes per container and scrape.
   */
  static final class PodState {
    private final String[] names;
    private final Series[] series;
    private final PodUsage usage;

    private PodState(String[] names, Series[] series, PodUsage usage) {
      this.names = names;
      this.series = series;
      this.usage = usage;
    }

    PodUsage usage() {
      return usage;
    }

    int containers() {
      return names.length;
    }

    /** The container's series, or null if the pod did not report it. */
    Series series(String container) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(container)) {
          return series[i];
        }
      }
      return null;
    }
  }

  static final NodeState EMPTY = new NodeState(null, null, Map.of(), -1, 0);

  NodeState failed() {
    return new NodeState(node, nodeUsage, pods, reportTimestampMillis, failures + 1);
  }

  int containerSeries() {
    return pods.values().stream().mapToInt(PodState::containers).sum();
  }

  /** A scrape's outcome: the node's next state, and what of its report cannot be served. */
  record Next(NodeState state, List<Dropped> dropped) {}

  /** The state after a successful scrape; nothing the report omits survives it. */
  Next next(KubeletReport report, long resolutionMillis) {
    Drops drops = new Drops(report.rejected());
    Series nextNode = null;
    long reportTimestamp = -1;
    NodeSample sample = report.node();
    if (sample != null && drops.servable(null, null, sample.cpuNanos(), sample.memoryBytes())) {
      Point p = new Point(sample.timestampMillis(), sample.cpuNanos(), sample.memoryBytes(), -1);
      drops.resetIf(null, null, node != null && node.resetBy(p));
      nextNode = node == null ? Series.first(p) : node.advance(p);
      reportTimestamp = p.timestampMillis();
    } else if (sample == null) {
      drops.servable(null, null, -1, -1);
    }

    Map<PodRef, PodBuilder> building = new LinkedHashMap<>();
    for (ContainerSample c : report.containers()) {
      PodRef ref = new PodRef(c.namespace(), c.pod());
      PodBuilder pod = building.computeIfAbsent(ref, r -> new PodBuilder(pods.get(r)));
      if (!drops.servable(ref, c.container(), c.cpuNanos(), c.memoryBytes())) {
        pod.incomplete();
        continue;
      }
      reportTimestamp = Math.max(reportTimestamp, c.timestampMillis());
      Series before = pod.old == null ? null : pod.old.series(c.container());
      Point p = new Point(c.timestampMillis(), c.cpuNanos(), c.memoryBytes(), c.startTimeMillis());
      Series after = Series.forContainer(before, p, reportTimestampMillis, resolutionMillis);
      drops.resetIf(ref, c.container(), before != null && after.prev() == null && before.resetBy(p));
      pod.add(c.container(), after);
    }

    Map<PodRef, PodState> nextPods = new LinkedHashMap<>(building.size() * 4 / 3 + 1);
    building.forEach((ref, pod) -> nextPods.put(ref, pod.build()));
    Usage usage = nextNode == null ? null : nextNode.usage();
    NodeState next = new NodeState(nextNode, usage, Collections.unmodifiableMap(nextPods),
        reportTimestamp < 0 ? reportTimestampMillis : reportTimestamp, 0);
    return new Next(next, drops.list());
  }

  /**
   * What one report leaves out, one cause per subject: the first found, and a rejected sample's
   * own account over the gap it leaves. Empty (and allocation-free) for a healthy report.
   */
  private static final class Drops {
    private final List<Dropped> rejected;
    private Map<String, Dropped> bySubject = Map.of();

    Drops(List<Dropped> rejected) {
      this.rejected = rejected;
      for (Dropped r : rejected) {
        if (r.cause() == Dropped.Cause.MISSING_LABELS) {
          add(r);
        }
      }
    }

    /**
     * Whether a CPU and working-set pair can be served; if not, records why it is left out.
     *
     * @param pod the container's pod, null for the node's own pair
     * @param container the container's name, null for the node's own pair
     */
    boolean servable(PodRef pod, String container, long cpuNanos, long memoryBytes) {
      if (cpuNanos < 0 || memoryBytes < 0) {
        String name = name(pod);
        add(rejected.stream().filter(r -> r.subject().equals(name)).findFirst()
            .orElseGet(() -> new Dropped(name, Dropped.Cause.MISSING_SAMPLE,
                "no " + series(cpuNanos < 0, container))));
        return false;
      }
      if (memoryBytes == 0) {
        leaveOut(pod, Dropped.Cause.ZERO_WORKING_SET, series(false, container) + " is 0");
        return false;
      }
      return true;
    }

    void resetIf(PodRef pod, String container, boolean reset) {
      if (reset) {
        leaveOut(pod, Dropped.Cause.COUNTER_RESET, series(true, container) + " went down without a restart");
      }
    }

    /** Names are only built for what is left out: a healthy scrape of 30,000 containers builds none. */
    private static String name(PodRef pod) {
      return pod == null ? Dropped.NODE : Dropped.pod(pod);
    }

    private static String series(boolean cpu, String container) {
      return container == null ? (cpu ? "node_cpu_usage_seconds_total" : "node_memory_working_set_bytes")
          : (cpu ? "container_cpu_usage_seconds_total" : "container_memory_working_set_bytes")
              + "{container=\"" + container + "\"}";
    }

    private void leaveOut(PodRef pod, Dropped.Cause cause, String detail) {
      add(new Dropped(name(pod), cause, detail));
    }

    private void add(Dropped dropped) {
      if (bySubject.isEmpty()) {
        bySubject = new LinkedHashMap<>();
      }
      bySubject.putIfAbsent(dropped.subject(), dropped);
    }

    List<Dropped> list() {
      return bySubject.isEmpty() ? List.of() : List.copyOf(bySubject.values());
    }
  }

  /**
   * A pod's containers while its node's report is read; they may come in any order. Arrays sized
   * for one container (most pods) grow when needed, and are kept as they are when full.
   */
  private static final class PodBuilder {
    private final PodState old;
    private String[] names = new String[1];
    private Series[] series = new Series[1];
    private int count;
    private boolean complete = true;

    PodBuilder(PodState old) {
      this.old = old;
    }

    void add(String container, Series s) {
      if (count == names.length) {
        names = Arrays.copyOf(names, count * 2);
        series = Arrays.copyOf(series, count * 2);
      }
      names[count] = container;
      series[count++] = s;
    }

    void incomplete() {
      complete = false;
    }

    PodState build() {
      Series[] built = count == series.length ? series : Arrays.copyOf(series, count);
      // Container names are the same instances scrape after scrape (LabelValues): keep the array.
      String[] builtNames = old != null && Arrays.equals(old.names, 0, old.names.length, names, 0, count)
          ? old.names : count == names.length ? names : Arrays.copyOf(names, count);
      return new PodState(builtNames, built, complete ? podUsage(builtNames, built) : null);
    }
  }

  private static PodUsage podUsage(String[] names, Series[] series) {
    var usages = new ArrayList<ContainerUsage>(names.length);
    Usage earliest = null;
    for (int i = 0; i < names.length; i++) {
      Usage u = series[i].usage();
      if (u == null) {
        return null;
      }
      usages.add(new ContainerUsage(names[i], u));
      if (earliest == null || u.timestampMillis() < earliest.timestampMillis()) {
        earliest = u;
      }
    }
    return earliest == null ? null
        : new PodUsage(earliest.timestampMillis(), earliest.windowMillis(), List.copyOf(usages));
  }
}
