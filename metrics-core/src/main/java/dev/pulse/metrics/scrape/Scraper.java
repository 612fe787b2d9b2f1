package dev.pulse.metrics.scrape;

import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.cluster.LeanNode;
import dev.pulse.metrics.storage.Dropped;
import dev.pulse.metrics.storage.KubeletReport;
import dev.pulse.metrics.storage.MetricsStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes every selected node once per resolution. Each node keeps a stable phase within the
 * first part of the interval (so its samples are one resolution apart and kubelets are not hit
 * all at once), at most a bounded number of requests run at a time, and a node still being
 * scraped is not scraped again. All state lives on one Vert.x context.
 */
public final class Scraper {

  private static final Logger LOG = LoggerFactory.getLogger(Scraper.class);
  /** Spread per node, as metrics-server staggers, but capped at half the interval instead of 4s. */
  private static final long SPREAD_PER_NODE_MILLIS = 8;
  /** Rounds per resolution in which nodes without usage are asked again after a start. */
  private static final long CATCH_UP_ROUNDS = 5;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final KubeletFetch kubelets;
  private final MetricsStore store;
  private final LabelSelector nodeSelector;
  private final KubeletEndpoint.Settings endpoints;
  private final long resolutionMillis;
  private final int maxConcurrency;

  private final Timer requestDuration;
  private final Timer cycleDuration;
  private final Map<ScrapeFailure.Reason, Counter> failures = new EnumMap<>(ScrapeFailure.Reason.class);
  private final DroppedUsage dropped;
  private final Counter skipped;
  private final AtomicInteger lastSucceeded = new AtomicInteger();
  private final AtomicInteger lastFailed = new AtomicInteger();
  private final AtomicLong lastCycleStart = new AtomicLong();

  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private final Set<String> inFlight = new HashSet<>();
  /** Nodes failing now, why they failed last, and since when for that cause. */
  private final Map<String, NodeHealth.Failure> failing = new HashMap<>();
  /**
   * Nodes whose kubelet answers without the node's own usage, since when. Reported as failing
   * once that lasts a resolution: a kubelet (or kwok) that has just started often has no usage of
   * its node for its first answers.
   */
  private final Map<String, Long> incompleteSince = new HashMap<>();
  /** Each node's pod and container names, decoded to the same instances scrape after scrape. */
  private final Map<String, LabelValues> labelValues = new ConcurrentHashMap<>();
  /** Published whole at the end of each cycle, read from any thread. */
  private volatile NodeHealth health = NodeHealth.NONE;
  private int running;
  private Context context;
  private long periodic = -1;
  private long catchUp = -1;
  /** After a start, until the first scheduled cycle: nodes without usage and when they last answered. */
  private Map<String, Long> awaitingUsage;

  public Scraper(Vertx vertx, ClusterView cluster, KubeletFetch kubelets, MetricsStore store, LabelSelector nodeSelector,
      KubeletEndpoint.Settings endpoints, Duration resolution, int maxConcurrency, MeterRegistry registry) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.kubelets = kubelets;
    this.store = store;
    this.nodeSelector = nodeSelector;
    this.endpoints = endpoints;
    this.resolutionMillis = resolution.toMillis();
    this.maxConcurrency = maxConcurrency;
    // No per-node label: its cardinality grows with the cluster (a metrics-server pain point).
    this.requestDuration = Timer.builder("pulse.kubelet.request.duration")
        .description("Duration of kubelet resource-metrics requests, decoding included")
        .publishPercentileHistogram().register(registry);
    this.cycleDuration = Timer.builder("pulse.scrape.cycle.duration")
        .description("Time from the start of a scrape cycle until its last node finished")
        .publishPercentileHistogram().register(registry);
    for (ScrapeFailure.Reason reason : ScrapeFailure.Reason.values()) {
      failures.put(reason, Counter.builder("pulse.kubelet.scrape.errors").tag("reason", reason.label())
          .description("Failed node scrapes by cause").register(registry));
    }
    this.dropped = new DroppedUsage(registry, System::currentTimeMillis);
    this.skipped = Counter.builder("pulse.kubelet.scrape.skipped")
        .description("Scrapes skipped because the node's previous scrape was still running").register(registry);
    registry.gauge("pulse.scrape.nodes", List.of(Tag.of("result", "succeeded")), lastSucceeded);
    registry.gauge("pulse.scrape.nodes", List.of(Tag.of("result", "failed")), lastFailed);
  }

  /**
   * Starts scraping now and then every resolution. Usage needs two samples, so until the first
   * scheduled cycle, a node that answered but has no usage yet is asked again a fifth of the
   * resolution later: a newer kubelet sample gives usage as soon as it exists, and `kubectl top`
   * works seconds after a start instead of a whole resolution later.
   */
  public void start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      awaitingUsage = new HashMap<>();
      cycle();
      periodic = vertx.setPeriodic(resolutionMillis, id -> {
        stopCatchingUp();
        cycle();
      });
      catchUp = vertx.setPeriodic(catchUpGapMillis(), id -> catchUp());
    });
  }

  public void stop() {
    if (periodic >= 0) {
      vertx.cancelTimer(periodic);
      context.runOnContext(v -> stopCatchingUp());
    }
  }

  private void stopCatchingUp() {
    vertx.cancelTimer(catchUp);
    awaitingUsage = null;
  }

  private long catchUpGapMillis() {
    return Math.max(1, resolutionMillis / CATCH_UP_ROUNDS);
  }

  /** Wall-clock start of the latest cycle, 0 before the first: liveness is judged on it. */
  public long lastCycleStartMillis() {
    return lastCycleStart.get();
  }

  /** The nodes as of the last complete cycle. */
  public NodeHealth health() {
    return health;
  }

  /** Runs one cycle outside the schedule; completes when every node of it is done. For harnesses. */
  public Future<Void> scrapeOnce() {
    if (context == null) {
      context = vertx.getOrCreateContext();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> cycle().onComplete(done));
    return done.future();
  }

  private Future<Void> cycle() {
    long start = System.currentTimeMillis();
    lastCycleStart.set(start);
    List<LeanNode> nodes = cluster.nodes().stream()
        .filter(n -> nodeSelector.matches(n.getMetadata().getLabels()))
        .toList();
    Set<String> names = nodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    store.retainNodes(names);
    dropped.retainNodes(names);
    failing.keySet().retainAll(names);
    incompleteSince.keySet().retainAll(names);
    labelValues.keySet().retainAll(names);

    Promise<Void> done = Promise.promise();
    AtomicInteger pending = new AtomicInteger(nodes.size());
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Runnable finishOne = () -> {
      if (pending.decrementAndGet() == 0) {
        cycleDuration.record(System.currentTimeMillis() - start, TimeUnit.MILLISECONDS);
        lastSucceeded.set(succeeded.get());
        lastFailed.set(failed.get());
        health = NodeHealth.of(System.currentTimeMillis(), nodes.size(), succeeded.get(), failing);
        done.complete();
      }
    };
    if (nodes.isEmpty()) {
      lastSucceeded.set(0);
      lastFailed.set(0);
      health = NodeHealth.of(System.currentTimeMillis(), 0, 0, failing);
      done.complete();
      return done.future();
    }
    long spread = Math.min(SPREAD_PER_NODE_MILLIS * nodes.size(), resolutionMillis / 2);
    for (LeanNode node : nodes) {
      String name = node.getMetadata().getName();
      if (inFlight.contains(name)) {
        skipped.increment();
        LOG.debug("node {}: previous scrape still running, skipping this cycle", name);
        finishOne.run();
        continue;
      }
      inFlight.add(name);
      Runnable scrape = () -> scrape(node).onComplete(ok -> {
        (ok.result() ? succeeded : failed).incrementAndGet();
        inFlight.remove(name);
        finishOne.run();
        drain();
      });
      vertx.setTimer(Math.max(1, phase(name, spread)), id -> {
        waiting.add(scrape);
        drain();
      });
    }
    return done.future();
  }

  /** Asks again the nodes that answered at least a gap ago without giving usage yet. */
  private void catchUp() {
    long due = System.currentTimeMillis() - catchUpGapMillis();
    for (var waited : List.copyOf(awaitingUsage.entrySet())) {
      String name = waited.getKey();
      LeanNode node = cluster.node(name).filter(n -> nodeSelector.matches(n.getMetadata().getLabels())).orElse(null);
      if (node == null) {
        awaitingUsage.remove(name);
      } else if (waited.getValue() <= due && inFlight.add(name)) {
        waiting.add(() -> scrape(node).onComplete(ok -> {
          inFlight.remove(name);
          drain();
        }));
      }
    }
    drain();
  }

  /** A node's fixed offset within the spread window, from its name. */
  static long phase(String node, long spread) {
    return spread == 0 ? 0 : Math.floorMod(node.hashCode() * 0x9E3779B1L, spread);
  }

  private void drain() {
    while (running < maxConcurrency && !waiting.isEmpty()) {
      running++;
      waiting.poll().run();
    }
  }

  /** Scrapes and stores one node; the future says whether it succeeded and never fails. */
  private Future<Boolean> scrape(LeanNode node) {
    String name = node.getMetadata().getName();
    long started = System.nanoTime();
    Future<List<Dropped>> report;
    try {
      KubeletEndpoint endpoint = KubeletEndpoint.of(node, endpoints);
      // Decoded where it arrived: a body takes tens of microseconds, less than a hop to a worker.
      report = kubelets.fetch(endpoint).compose(body -> {
        try {
          return Future.succeededFuture(decodeAndStore(name, body));
        } catch (ScrapeFailure e) {
          return Future.failedFuture(e);
        }
      });
    } catch (KubeletEndpoint.UnresolvableException e) {
      report = Future.failedFuture(new ScrapeFailure(ScrapeFailure.Cause.NO_ADDRESS, e.getMessage()));
    }
    return report.transform(result -> {
      running--;
      requestDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (result.succeeded()) {
        dropped.record(name, result.result());
        if (awaitingUsage != null) {
          if (store.node(name) == null) {
            awaitingUsage.put(name, System.currentTimeMillis());
          } else {
            awaitingUsage.remove(name);
          }
        }
        Dropped nodeLeftOut = nodeLeftOut(result.result());
        if (nodeLeftOut == null) {
          incompleteSince.remove(name);
        } else {
          long now = System.currentTimeMillis();
          long since = incompleteSince.computeIfAbsent(name, n -> now);
          if (now - since >= resolutionMillis) {
            // Answered, yet not servable: to whoever reads the summary, a node missing from the API.
            // DroppedUsage has logged it already.
            keepFailing(name, new ScrapeFailure(ScrapeFailure.Cause.NODE_USAGE_INCOMPLETE,
                "the kubelet answered without a usable usage of the node itself (" + nodeLeftOut.detail()
                    + ")"), since, false);
            return Future.succeededFuture(false);
          }
        }
        if (failing.remove(name) != null) {
          LOG.info("node {}: scrape recovered", name);
        }
        return Future.succeededFuture(true);
      }
      ScrapeFailure failure = result.cause() instanceof ScrapeFailure f ? f
          : new ScrapeFailure(ScrapeFailure.Cause.CONNECTION, String.valueOf(result.cause()));
      failures.get(failure.reason()).increment();
      store.recordFailure(name);
      incompleteSince.remove(name);
      keepFailing(name, notReady(node).map(failure::asNodeNotReady).orElse(failure), System.currentTimeMillis(), true);
      return Future.succeededFuture(false);
    });
  }

  /**
   * What leaves the node's own usage out of the API for more than this scrape (a counter reset
   * lasts one); null if nothing does. A loop: a healthy report's empty list costs nothing.
   */
  private static Dropped nodeLeftOut(List<Dropped> dropped) {
    for (Dropped d : dropped) {
      if (Dropped.NODE.equals(d.subject()) && d.cause() != Dropped.Cause.COUNTER_RESET) {
        return d;
      }
    }
    return null;
  }

  /**
   * Records the node's failure for the summary, failing for this cause since {@code startedMillis}
   * unless it already was, and logs a change of cause if {@code log}.
   */
  private void keepFailing(String name, ScrapeFailure failure, long startedMillis, boolean log) {
    NodeHealth.Failure previous = failing.get(name);
    boolean sameCause = previous != null && previous.cause() == failure.failureCause();
    failing.put(name, new NodeHealth.Failure(failure.failureCause(), failure.getMessage(),
        sameCause ? previous.sinceMillis() : startedMillis));
    if (!log) {
      return;
    }
    if (!sameCause) {
      LOG.warn("node {}: scrape failed ({}): {} (repeats are logged at debug until it recovers or fails otherwise)",
          name, failure.failureCause().id(), failure.getMessage());
    } else {
      LOG.debug("node {}: scrape failed again ({}): {}", name, failure.failureCause().id(), failure.getMessage());
    }
  }

  private List<Dropped> decodeAndStore(String node, KubeletClient.Body body) throws ScrapeFailure {
    KubeletReport report;
    try {
      report = ResourceMetricsDecoder.decode(body.bytes(), body.length(), body.respondedAtMillis(),
          labelValues.computeIfAbsent(node, n -> new LabelValues()));
    } catch (DecodeException e) {
      throw new ScrapeFailure(ScrapeFailure.Cause.MALFORMED_RESPONSE, "response is not Prometheus text: "
          + e.getMessage());
    }
    return store.recordSuccess(node, report);
  }

  /**
   * The reason of a node's Ready condition when it is not True: then the kubelet stopped talking
   * to the API server too, and the scrape's own error is a symptom. A node that reports no Ready
   * condition at all is left to the scrape's error, which says more.
   */
  private static Optional<String> notReady(LeanNode node) {
    return node.getStatus().conditions().stream()
        .filter(c -> "Ready".equals(c.type()) && !"True".equals(c.status()))
        .findFirst()
        .map(c -> c.reason() == null ? "" : c.reason());
  }
}
