package dev.pulse.metrics.storage;

import java.util.ArrayList;
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
   * @param containers each reported container's series, in report order
   * @param usage servable usage, or null unless every container the pod reported has one: a
   *     partial pod would make the HPA under-count it
   */
  record PodState(Map<String, Series> containers, PodUsage usage) {}

  static final NodeState EMPTY = new NodeState(null, null, Map.of(), -1, 0);

  NodeState failed() {
    return new NodeState(node, nodeUsage, pods, reportTimestampMillis, failures + 1);
  }

  int containerSeries() {
    return pods.values().stream().mapToInt(p -> p.containers().size()).sum();
  }

  /** The state after a successful scrape; nothing the report omits survives it. */
  NodeState next(KubeletReport report, long resolutionMillis) {
    Series nextNode = null;
    long reportTimestamp = -1;
    if (report.node() != null && report.node().complete()) {
      Point p = new Point(report.node().timestampMillis(), report.node().cpuNanos(), report.node().memoryBytes(), -1);
      nextNode = node == null ? Series.first(p) : node.advance(p);
      reportTimestamp = p.timestampMillis();
    }

    Map<PodRef, Map<String, Series>> nextContainers = new LinkedHashMap<>();
    Map<PodRef, Boolean> complete = new LinkedHashMap<>();
    for (ContainerSample c : report.containers()) {
      PodRef ref = new PodRef(c.namespace(), c.pod());
      Map<String, Series> series = nextContainers.computeIfAbsent(ref, r -> new LinkedHashMap<>());
      complete.putIfAbsent(ref, true);
      if (!c.complete()) {
        complete.put(ref, false);
        continue;
      }
      reportTimestamp = Math.max(reportTimestamp, c.timestampMillis());
      PodState old = pods.get(ref);
      Series before = old == null ? null : old.containers().get(c.container());
      Point p = new Point(c.timestampMillis(), c.cpuNanos(), c.memoryBytes(), c.startTimeMillis());
      series.put(c.container(), Series.forContainer(before, p, reportTimestampMillis, resolutionMillis));
    }

    Map<PodRef, PodState> nextPods = new LinkedHashMap<>();
    nextContainers.forEach((ref, series) -> nextPods.put(ref, new PodState(
        Collections.unmodifiableMap(series), complete.get(ref) ? podUsage(series) : null)));
    Usage usage = nextNode == null ? null : nextNode.usage();
    return new NodeState(nextNode, usage, Collections.unmodifiableMap(nextPods),
        reportTimestamp < 0 ? reportTimestampMillis : reportTimestamp, 0);
  }

  private static PodUsage podUsage(Map<String, Series> containers) {
    var usages = new ArrayList<ContainerUsage>(containers.size());
    Usage earliest = null;
    for (Map.Entry<String, Series> e : containers.entrySet()) {
      Usage u = e.getValue().usage();
      if (u == null) {
        return null;
      }
      usages.add(new ContainerUsage(e.getKey(), u));
      if (earliest == null || u.timestampMillis() < earliest.timestampMillis()) {
        earliest = u;
      }
    }
    return earliest == null ? null
        : new PodUsage(earliest.timestampMillis(), earliest.windowMillis(), List.copyOf(usages));
  }
}
