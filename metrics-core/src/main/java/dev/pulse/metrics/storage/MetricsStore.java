package dev.pulse.metrics.storage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest usage of every node and pod, in memory. Each node's data is replaced as a whole
 * when its scrape ends, so one kubelet's failure or garbage never touches another node's data.
 *
 * <p>Writes are serialised (a few thousand per resolution); reads are lock-free lookups of values
 * computed at write time.
 */
public final class MetricsStore {

  private record PodEntry(String node, PodUsage usage) {}

  private final long resolutionMillis;
  private final int failureTolerance;
  private final Map<String, NodeState> nodes = new ConcurrentHashMap<>();
  private final Map<PodRef, PodEntry> pods = new ConcurrentHashMap<>();

  /**
   * @param resolutionMillis the scrape interval
   * @param failureTolerance consecutive failed scrapes across which a node's last metrics (and
   *     its pods') keep being served; metrics-server behaves as if this were 0
   */
  public MetricsStore(long resolutionMillis, int failureTolerance) {
    this.resolutionMillis = resolutionMillis;
    this.failureTolerance = failureTolerance;
  }

  /** Stores a node's report; returns what of it cannot be served, and why. */
  public synchronized List<Dropped> recordSuccess(String node, KubeletReport report) {
    NodeState old = nodes.getOrDefault(node, NodeState.EMPTY);
    NodeState.Next next = old.next(report, resolutionMillis);
    nodes.put(node, next.state());
    reindex(node, old, next.state());
    return next.dropped();
  }

  public synchronized void recordFailure(String node) {
    NodeState old = nodes.get(node);
    if (old == null) {
      return;
    }
    NodeState next = old.failed();
    if (next.failures() > failureTolerance) {
      forget(node);
    } else {
      nodes.put(node, next);
    }
  }

  /** Forgets every node not in {@code scraped}: deleted, or no longer selected for scraping. */
  public synchronized void retainNodes(Set<String> scraped) {
    for (String node : Set.copyOf(nodes.keySet())) {
      if (!scraped.contains(node)) {
        forget(node);
      }
    }
  }

  /** The node's usage, or null when none is known. */
  public Usage node(String name) {
    NodeState state = nodes.get(name);
    return state == null ? null : state.nodeUsage();
  }

  /** The pod's usage, or null when none is known for all of its containers. */
  public PodUsage pod(String namespace, String name) {
    PodEntry entry = pods.get(new PodRef(namespace, name));
    return entry == null ? null : entry.usage();
  }

  /**
   * Ready once there is something to serve: node usage, and pod usage unless no kubelet reports
   * any container. Requiring pods too keeps a half-filled store from answering HPAs with nothing.
   */
  public boolean ready() {
    boolean anyNode = false;
    boolean anyContainer = false;
    for (NodeState state : nodes.values()) {
      anyNode |= state.nodeUsage() != null;
      anyContainer |= !state.pods().isEmpty();
    }
    return anyNode && (!pods.isEmpty() || !anyContainer);
  }

  /** Stored node series, for the store's own metrics. */
  public int nodeSeries() {
    return (int) nodes.values().stream().filter(s -> s.node() != null).count();
  }

  /** Stored container series, for the store's own metrics. */
  public int containerSeries() {
    return nodes.values().stream().mapToInt(NodeState::containerSeries).sum();
  }

  private void forget(String node) {
    NodeState old = nodes.remove(node);
    if (old != null) {
      reindex(node, old, NodeState.EMPTY);
    }
  }

  private void reindex(String node, NodeState old, NodeState next) {
    for (PodRef ref : old.pods().keySet()) {
      if (!next.pods().containsKey(ref)) {
        pods.computeIfPresent(ref, (r, e) -> e.node().equals(node) ? null : e);
      }
    }
    next.pods().forEach((ref, pod) -> {
      if (pod.usage() != null) {
        // A pod reported by two nodes (recreated elsewhere under the same name): newest wins.
        pods.put(ref, new PodEntry(node, pod.usage()));
      } else {
        pods.computeIfPresent(ref, (r, e) -> e.node().equals(node) ? null : e);
      }
    });
  }
}
