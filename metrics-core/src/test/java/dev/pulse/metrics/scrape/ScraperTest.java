package dev.pulse.metrics.scrape;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.testing.FakeKubelets;
import dev.pulse.metrics.testing.NodesOnlyCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The scrape loop alone: kubelets are a {@link KubeletFetch} whose answers the test holds or
 * releases, the store is the real one, and nothing touches the network.
 */
class ScraperTest {

  private static final Duration RESOLUTION = Duration.ofSeconds(15);
  private static final long START = 1_700_000_000_000L;

  private Vertx vertx;
  private SimpleMeterRegistry registry;
  private MetricsStore store;
  private final List<Node> nodes = new ArrayList<>();
  /** Answers not yet given, by node; a node absent here is answered at once. */
  private final Map<String, List<Promise<KubeletClient.Body>>> held = new ConcurrentHashMap<>();
  private final Map<String, Boolean> holding = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
  /** Nodes whose kubelet cannot be reached, with the error; and nodes that answer garbage. */
  private final Map<String, ScrapeFailure> failing = new ConcurrentHashMap<>();
  private final Set<String> garbage = ConcurrentHashMap.newKeySet();
  /** Nodes whose kubelet reports the node's own working set as 0, as a kwok node without pods does. */
  private final Set<String> zeroWorkingSet = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger cycle = new AtomicInteger();
  private ListAppender<ILoggingEvent> logs;
  private volatile boolean wallClockSamples;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    store = new MetricsStore(RESOLUTION.toMillis(), 1);
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Scraper.class)).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(Scraper.class)).detachAppender(logs);
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void scrapesEverySelectedNodeOncePerCycleAndStoresItsUsage() throws Exception {
    addNodes(5, Map.of("pool", "a"));
    addNodes(2, Map.of("pool", "b"));
    Scraper scraper = scraper(LabelSelector.parse("pool=a"), 64);

    runCycle(scraper);
    runCycle(scraper);

    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      boolean selected = "a".equals(node.getMetadata().getLabels().get("pool"));
      assertThat(fetches.getOrDefault(name, new AtomicInteger()).get()).as(name).isEqualTo(selected ? 2 : 0);
      assertThat(store.node(name)).as(name).matches(usage -> selected == (usage != null));
    }
    assertThat(store.pod("default", "pod-node-a-0")).isNotNull();
    assertThat(gauge("succeeded")).isEqualTo(5);
    assertThat(gauge("failed")).isZero();
  }

  @Test
  void neverHasMoreRequestsInFlightThanAllowed() throws Exception {
    addNodes(40, Map.of());
    nodes.forEach(n -> holding.put(n.getMetadata().getName(), true));
    Scraper scraper = scraper(LabelSelector.everything(), 3);

    Future<Void> done = cycle(scraper);
    // Every node's turn has come (40 x 8 ms spread): three are asked, the others wait in line.
    Thread.sleep(600);
    assertThat(inFlight.get()).isEqualTo(3);
    // Released one at a time, as slow kubelets answer; each free slot goes to the next in line.
    while (!done.isComplete()) {
      releaseOne();
      Thread.sleep(2);
    }

    assertThat(maxInFlight.get()).isEqualTo(3);
    assertThat(fetches.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(40);
  }

  @Test
  void aNodeStillBeingScrapedSkipsItsTurnWhileTheOthersAreScraped() throws Exception {
    addNodes(3, Map.of());
    holding.put("node-a-1", true);
    Scraper scraper = scraper(LabelSelector.everything(), 64);

    Future<Void> first = cycle(scraper);
    // Every node's turn of the first cycle has come (phases differ by milliseconds); only node-a-1 is held.
    awaitFetches("node-a-0", 1);
    awaitFetches("node-a-1", 1);
    awaitFetches("node-a-2", 1);
    Future<Void> second = cycle(scraper);
    second.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(fetches.get("node-a-0").get()).isEqualTo(2);
    assertThat(fetches.get("node-a-2").get()).isEqualTo(2);
    assertThat(fetches.get("node-a-1").get()).isEqualTo(1);
    assertThat(registry.get("pulse.kubelet.scrape.skipped").counter().count()).isEqualTo(1);
    assertThat(first.isComplete()).isFalse();

    holding.remove("node-a-1");
    releaseAll();
    first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void afterAStartNodesWithoutUsageAreAskedAgainBeforeTheNextCycle() throws Exception {
    addNodes(2, Map.of());
    Duration resolution = Duration.ofSeconds(4);
    wallClockSamples = true;
    Scraper scraper = scraper(LabelSelector.everything(), 64, resolution);

    long started = System.currentTimeMillis();
    scraper.start();
    while (store.node("node-a-0") == null || store.node("node-a-1") == null) {
      assertThat(System.currentTimeMillis() - started).as("usage before the second cycle").isLessThan(3_000);
      Thread.sleep(10);
    }
    scraper.stop();

    // One answer, then one more a fifth of the resolution later: usage, and no further asking.
    assertThat(fetches.get("node-a-0").get()).isEqualTo(2);
    assertThat(fetches.get("node-a-1").get()).isEqualTo(2);
    assertThat(store.node("node-a-0").windowMillis()).isBetween(700L, 2_000L);
  }

  @Test
  void phasesAreStablePerNodeAndInsideTheSpread() {
    long spread = 7_500;
    List<Long> phases = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      long phase = Scraper.phase("node-" + i, spread);
      assertThat(phase).isBetween(0L, spread - 1).isEqualTo(Scraper.phase("node-" + i, spread));
      phases.add(phase);
    }
    // Spread out, not bunched: every tenth of the window gets some nodes.
    for (int tenth = 0; tenth < 10; tenth++) {
      long from = spread * tenth / 10;
      long to = spread * (tenth + 1) / 10;
      assertThat(phases.stream().filter(p -> p >= from && p < to).count()).as("tenth %d", tenth).isGreaterThan(50);
    }
    assertThat(Scraper.phase("node-0", 0)).isZero();
  }

  @Test
  void aFailingNodeIsLoggedOnceWhenItStartsFailingAndOnceWhenItRecovers() throws Exception {
    addNodes(2, Map.of());
    failing.put("node-a-1", new ScrapeFailure(ScrapeFailure.Cause.CONNECTION_REFUSED, "connection refused"));
    Scraper scraper = scraper(LabelSelector.everything(), 64);

    runCycle(scraper);
    runCycle(scraper);
    runCycle(scraper);
    assertThat(gauge("failed")).isEqualTo(1);
    assertThat(gauge("succeeded")).isEqualTo(1);
    failing.remove("node-a-1");
    runCycle(scraper);

    assertThat(logs.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
        tuple(Level.WARN, "node node-a-1: scrape failed (KubeletConnectionRefused): connection refused"
            + " (repeats are logged at debug until it recovers or fails otherwise)"),
        tuple(Level.INFO, "node node-a-1: scrape recovered"));
    assertThat(registry.get("pulse.kubelet.scrape.errors").tag("reason", "connection").counter().count())
        .isEqualTo(3);
    // The healthy node was never affected.
    assertThat(store.node("node-a-0")).isNotNull();
  }

  @Test
  void aFailingNodeIsLoggedAgainWhenItFailsForAnotherCause() throws Exception {
    addNodes(1, Map.of());
    Scraper scraper = scraper(LabelSelector.everything(), 64);

    failing.put("node-a-0", new ScrapeFailure(ScrapeFailure.Cause.CONNECTION, "connection reset"));
    runCycle(scraper);
    runCycle(scraper);
    failing.put("node-a-0", new ScrapeFailure(ScrapeFailure.Cause.TIMEOUT, "no answer"));
    runCycle(scraper);
    runCycle(scraper);

    assertThat(logs.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
        tuple(Level.WARN, "node node-a-0: scrape failed (KubeletUnreachable): connection reset"
            + " (repeats are logged at debug until it recovers or fails otherwise)"),
        tuple(Level.WARN, "node node-a-0: scrape failed (KubeletTimeout): no answer"
            + " (repeats are logged at debug until it recovers or fails otherwise)"));
  }

  @Test
  void theNodeSummaryCountsTheLastCycleAndKeepsWhenEachNodeStartedFailingForItsCause() throws Exception {
    addNodes(3, Map.of());
    Scraper scraper = scraper(LabelSelector.everything(), 64);
    assertThat(scraper.health().cycleCompletedAt()).isNull();

    failing.put("node-a-2", new ScrapeFailure(ScrapeFailure.Cause.CONNECTION_REFUSED, "refused"));
    runCycle(scraper);
    NodeHealth first = scraper.health();
    Thread.sleep(1100);
    runCycle(scraper);
    NodeHealth second = scraper.health();

    assertThat(second.selected()).isEqualTo(3);
    assertThat(second.scraped()).isEqualTo(2);
    assertThat(second.failingCount()).isEqualTo(1);
    assertThat(second.causes()).containsExactly(Map.entry("KubeletConnectionRefused", 1));
    assertThat(second.failing()).singleElement().satisfies(f -> {
      assertThat(f.name()).isEqualTo("node-a-2");
      assertThat(f.reason()).isEqualTo("KubeletConnectionRefused");
      assertThat(f.message()).isEqualTo("refused");
      assertThat(f.since()).isEqualTo(first.failing().get(0).since());
    });

    failing.remove("node-a-2");
    runCycle(scraper);
    assertThat(scraper.health().scraped()).isEqualTo(3);
    assertThat(scraper.health().failing()).isEmpty();
  }

  @Test
  void aNodeThatIsNotReadyFailsAsNotReadyWhateverTheScrapeRanInto() throws Exception {
    addNodes(1, Map.of());
    nodes.get(0).getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
        .withType("Ready").withStatus("Unknown").withReason("NodeStatusUnknown").build()));
    failing.put("node-a-0", new ScrapeFailure(ScrapeFailure.Cause.TIMEOUT, "no answer"));
    Scraper scraper = scraper(LabelSelector.everything(), 64);

    runCycle(scraper);

    assertThat(scraper.health().failing()).singleElement().satisfies(f -> {
      assertThat(f.reason()).isEqualTo("NodeNotReady");
      assertThat(f.message()).isEqualTo("the node is not Ready (NodeStatusUnknown); the scrape failed with: no answer");
    });
    // The metric keeps the cause the scrape saw.
    assertThat(registry.get("pulse.kubelet.scrape.errors").tag("reason", "timeout").counter().count()).isEqualTo(1);
  }

  @Test
  void aBodyThatIsNotPrometheusTextFailsOnlyThatNode() throws Exception {
    addNodes(2, Map.of());
    garbage.add("node-a-0");
    Scraper scraper = scraper(LabelSelector.everything(), 64);

    runCycle(scraper);
    runCycle(scraper);

    assertThat(store.node("node-a-0")).isNull();
    assertThat(store.node("node-a-1")).isNotNull();
    assertThat(registry.get("pulse.kubelet.scrape.errors").tag("reason", "decode").counter().count()).isEqualTo(2);
  }

  @Test
  void aNodeWhoseKubeletAnswersWithoutTheNodesOwnUsageForAResolutionIsReportedAsNotServedWithoutAnError()
      throws Exception {
    addNodes(2, Map.of());
    zeroWorkingSet.add("node-a-0");
    Duration resolution = Duration.ofMillis(400);
    Scraper scraper = scraper(LabelSelector.everything(), 64, resolution);

    runCycle(scraper);
    assertThat(scraper.health().failing()).as("a first answer without it: a kubelet just started").isEmpty();
    Thread.sleep(resolution.toMillis());
    runCycle(scraper);

    assertThat(store.node("node-a-0")).isNull();
    assertThat(store.pod("default", "pod-node-a-0")).as("its pods are served").isNotNull();
    assertThat(scraper.health().scraped()).isEqualTo(1);
    assertThat(scraper.health().failing()).singleElement().satisfies(f -> {
      assertThat(f.name()).isEqualTo("node-a-0");
      assertThat(f.reason()).isEqualTo("NodeMetricsIncomplete");
      assertThat(f.message()).isEqualTo("the kubelet answered without a usable usage of the node itself"
          + " (node_memory_working_set_bytes is 0)");
    });
    assertThat(gauge("failed")).isEqualTo(1);
    assertThat(registry.get("pulse.kubelet.scrape.errors").counters()).allMatch(c -> c.count() == 0);

    zeroWorkingSet.clear();
    runCycle(scraper);
    runCycle(scraper);
    assertThat(store.node("node-a-0")).isNotNull();
    assertThat(scraper.health().scraped()).isEqualTo(2);
    assertThat(scraper.health().failing()).isEmpty();
  }

  private Scraper scraper(LabelSelector selector, int maxConcurrency) {
    return scraper(selector, maxConcurrency, RESOLUTION);
  }

  private Scraper scraper(LabelSelector selector, int maxConcurrency, Duration resolution) {
    return new Scraper(vertx, NodesOnlyCluster.of(nodes), this::fetch, store, selector,
        new KubeletEndpoint.Settings(List.of("InternalIP"), 10250, true), resolution, maxConcurrency, registry);
  }

  /** Nodes node-a-0 .. node-a-(count-1) (or node-b-... for a second batch), with these labels. */
  private void addNodes(int count, Map<String, String> labels) {
    String prefix = nodes.isEmpty() ? "node-a-" : "node-b-";
    for (int i = 0; i < count; i++) {
      nodes.add(FakeKubelets.nodeObject(prefix + i, 10250, labels));
    }
  }

  private Future<KubeletClient.Body> fetch(KubeletEndpoint endpoint) {
    String node = endpoint.path().split("/")[3];
    fetches.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    Promise<KubeletClient.Body> answer = Promise.promise();
    answer.future().onComplete(done -> inFlight.decrementAndGet());
    ScrapeFailure failure = failing.get(node);
    if (failure != null) {
      answer.fail(failure);
    } else if (holding.containsKey(node)) {
      held.computeIfAbsent(node, n -> new ArrayList<>()).add(answer);
    } else {
      answer.complete(body(node, garbage.contains(node)));
    }
    return answer.future();
  }

  /**
   * Two samples one resolution apart, so that the second cycle gives usage; or, with
   * {@link #wallClockSamples}, samples of now from a counter that grows by half a core.
   */
  private KubeletClient.Body body(String node, boolean garbage) {
    long at = wallClockSamples ? System.currentTimeMillis() : START + cycle.get() * RESOLUTION.toMillis();
    long cpu = wallClockSamples ? at * 500_000 : 1_000_000_000L * (cycle.get() + 1);
    String text = garbage ? "<html>not metrics</html>\n" : """
        node_cpu_usage_seconds_total %s %d
        node_memory_working_set_bytes %d %d
        container_cpu_usage_seconds_total{container="app",namespace="default",pod="pod-%s"} %s %d
        container_memory_working_set_bytes{container="app",namespace="default",pod="pod-%s"} 4096 %d
        """.formatted(cpu / 1e9, at, zeroWorkingSet.contains(node) ? 0 : 1048576, at, node, cpu / 2e9, at, node, at);
    byte[] bytes = text.getBytes(UTF_8);
    return new KubeletClient.Body(bytes, bytes.length, at);
  }

  private void releaseOne() {
    vertx.runOnContext(v -> held.values().stream().filter(l -> !l.isEmpty()).findFirst()
        .ifPresent(l -> l.remove(0).complete(body("node", false))));
  }

  private void releaseAll() {
    vertx.runOnContext(v -> held.forEach((node, answers) -> {
      answers.forEach(a -> a.complete(body(node, false)));
      answers.clear();
    }));
  }

  private void awaitFetches(String node, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (fetches.getOrDefault(node, new AtomicInteger()).get() < count) {
      assertThat(System.currentTimeMillis()).as("waiting for a fetch of %s", node).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private Future<Void> cycle(Scraper scraper) {
    Future<Void> done = scraper.scrapeOnce();
    return done.onComplete(v -> cycle.incrementAndGet());
  }

  private void runCycle(Scraper scraper) throws Exception {
    cycle(scraper).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private double gauge(String result) {
    return registry.get("pulse.scrape.nodes").tag("result", result).gauge().value();
  }
}
