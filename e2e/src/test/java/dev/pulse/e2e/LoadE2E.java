package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The aggregator's port as every pod and the HPA can reach it, under load at 1,000 nodes: 32
 * clients with ServiceAccount tokens list node and pod metrics back to back while 32 anonymous
 * ones do the same, for 60 s. Every authorized request is served in bounded time; resident
 * memory stays under the container's limit; kube-apiserver sees a handful of TokenReviews and
 * SubjectAccessReviews (the caches), not one per request; and the aggregator's own /metrics has
 * the same series after the load as before it (no label an outsider controls).
 */
@ExtendWith(LocalCluster.Extension.class)
class LoadE2E {

  private static final int NODES = 1_000;
  /** The make up cluster's kwok nodes. */
  private static final int KWOK_NODES = 3;
  private static final int CLIENTS = 32;
  /** Distinct identities among the authorized clients: an HPA, a VPA, dashboards... */
  private static final int TOKENS = 4;
  private static final Duration WINDOW = Duration.ofSeconds(60);
  private static final Duration WARM_UP = Duration.ofSeconds(10);
  /** The aggregator's default authentication and authorization cache TTLs. */
  private static final Duration CACHE_TTL = Duration.ofSeconds(10);
  /** The Deployment's default memory limit, which sizes the aggregator's heap too. */
  private static final long LIMIT_MIB = 512;
  private static final Duration P99_BOUND = Duration.ofSeconds(5);
  /**
   * The aggregator's default --request-timeout: it answers every request by then, 504 at worst. A
   * client waits a little longer before it gives up on an answer, and the test a little longer
   * again for the clients' last requests, so that what is measured is the server's bound.
   */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration CLIENT_TIMEOUT = REQUEST_TIMEOUT.plusSeconds(15);
  private static final String LABEL = "pulse.dev/e2e=load";
  private static final String NAMESPACE = "pulse-load";
  private static final List<String> PATHS = List.of("/apis/metrics.k8s.io/v1beta1/nodes",
      "/apis/metrics.k8s.io/v1beta1/pods");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) {
    cluster = localCluster;
  }

  /**
   * Pods first, while their nodes exist; each kind in one delete-collection request, which kubectl
   * delete (an object at a time, client-side rate-limited) takes minutes for.
   */
  @AfterAll
  static void cleanUp() throws Exception {
    cluster.kubectl("delete", "--raw", "/api/v1/namespaces/" + NAMESPACE + "/pods?gracePeriodSeconds=0").ok();
    cluster.kubectl("delete", "namespace", NAMESPACE, "--ignore-not-found", "--timeout=3m").ok();
    cluster.kubectl("delete", "--raw", "/api/v1/nodes?labelSelector=pulse.dev%2Fe2e%3Dload").ok();
    cluster.kubectl("delete", "clusterrolebinding", "-l", LABEL, "--ignore-not-found").ok();
  }

  @Test
  void aThousandNodesUnderAuthorizedAndAnonymousLoad() throws Exception {
    Pipelines.awaitReady(cluster);
    cluster.kubectl("create", "namespace", NAMESPACE).ok();
    long start = System.nanoTime();
    cluster.kubectlWithInput(fleet(NODES - KWOK_NODES), "create", "-f", "-").ok();
    List<String> tokens = readers();
    int port = cluster.port("AGGREGATOR");
    String host = "pulse-metrics." + Pipelines.NAMESPACE + ".svc";
    Path ca = cluster.repo().resolve(".pulse/aggregator/ca.crt");
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(5))
        .until(() -> nodesServed(port, host, ca) == NODES);
    System.out.printf("load: %d nodes served %ds after their creation%n", NODES,
        Duration.ofNanos(System.nanoTime() - start).toSeconds());

    Vertx vertx = Vertx.vertx();
    try {
      // Idle connections are let go well before the aggregator's --idle-connection-timeout (30 s) closes
      // them: a request sent on a connection the server is closing at that moment may never be answered.
      HttpClient http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())).setKeepAlive(true)
          .setKeepAliveTimeout(10),
          new PoolOptions().setHttp1MaxSize(2 * CLIENTS));
      RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
          .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1")).setHost(host).setPort(port)
          .setConnectTimeout(CLIENT_TIMEOUT.toMillis()).setIdleTimeout(CLIENT_TIMEOUT.toMillis());
      Supplier<String> server = () -> serverLimits(port, host, ca);
      // Every identity and path once, so that the series of what follows exist before counting.
      load(http, request, tokens, WARM_UP, server);
      Map<String, Long> reviewsBefore = reviews();
      List<String> seriesBefore = series(port, host, ca);
      long pid = Long.parseLong(Files.readString(cluster.repo().resolve(".pulse/pids/aggregator.pid")).strip());
      AtomicLong peakRssKib = new AtomicLong(rssKib(pid));
      long sampler = vertx.setPeriodic(1_000, id -> peakRssKib.accumulateAndGet(rssKib(pid), Math::max));

      Load load = load(http, request, tokens, WINDOW, server);

      vertx.cancelTimer(sampler);
      Map<String, Long> reviewsAfter = reviews();
      long tokenReviews = reviewsAfter.get("tokenreviews") - reviewsBefore.get("tokenreviews");
      long accessReviews = reviewsAfter.get("subjectaccessreviews") - reviewsBefore.get("subjectaccessreviews");
      System.out.printf("load: %d authorized requests (%s), p50 %d ms, p99 %d ms; %d anonymous (%s); peak RSS"
          + " %d MiB; %d TokenReviews, %d SubjectAccessReviews%n", load.authorized.size(), load.authorizedStatuses,
          load.percentile(50), load.percentile(99), load.anonymous.sum(), load.anonymousStatuses,
          peakRssKib.get() / 1024, tokenReviews, accessReviews);

      assertThat(load.authorizedStatuses).as(() -> "authorized answers by status (0: no answer, " + load.failures
          + "); " + server.get()).containsOnlyKeys(200);
      assertThat(load.authorized).hasSizeGreaterThan(CLIENTS * 10);
      assertThat(load.percentile(99)).as("p99 of authorized requests, ms").isLessThan(P99_BOUND.toMillis());
      assertThat(load.anonymousStatuses).as(() -> "anonymous answers by status (0: no answer, " + load.failures
          + "); " + server.get()).containsOnlyKeys(403);
      assertThat(peakRssKib.get() / 1024).as("peak resident memory, MiB").isLessThan(LIMIT_MIB);
      // One review per identity (or decision) and cache lifetime, plus one for a lifetime that
      // straddles the window's edges.
      long lifetimes = WINDOW.dividedBy(CACHE_TTL) + 2;
      assertThat(tokenReviews).as("TokenReviews").isLessThanOrEqualTo(TOKENS * lifetimes);
      // Readers on both paths, and the anonymous user on both.
      assertThat(accessReviews).as("SubjectAccessReviews").isLessThanOrEqualTo((TOKENS + 1) * PATHS.size() * lifetimes);
      assertThat(series(port, host, ca)).as("the aggregator's /metrics series").isEqualTo(seriesBefore);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** What the clients saw; failures are exchanges without an answer, by what ended them. */
  private record Load(List<Long> authorized, Map<Integer, LongAdder> authorizedStatuses, LongAdder anonymous,
      Map<Integer, LongAdder> anonymousStatuses, Map<String, LongAdder> failures) {

    /** Of the authorized requests' latencies, in ms. */
    long percentile(int p) {
      List<Long> sorted = new ArrayList<>(authorized);
      Collections.sort(sorted);
      return sorted.isEmpty() ? Long.MAX_VALUE : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
  }

  /** CLIENTS authorized and CLIENTS anonymous closed loops for {@code duration}. */
  private static Load load(HttpClient http, RequestOptions base, List<String> tokens, Duration duration,
      Supplier<String> server) throws InterruptedException {
    Load load = new Load(Collections.synchronizedList(new ArrayList<>()), new ConcurrentHashMap<>(), new LongAdder(),
        new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch done = new CountDownLatch(2 * CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
      String token = tokens.get(i % tokens.size());
      String path = PATHS.get(i % PATHS.size());
      loop(http, new RequestOptions(base).setURI(path).putHeader("Authorization", "Bearer " + token), running,
          (status, millis) -> {
            load.authorized.add(millis);
            load.authorizedStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
          }, load.failures, done);
      loop(http, new RequestOptions(base).setURI(PATHS.get((i + 1) % PATHS.size())), running, (status, millis) -> {
        load.anonymous.increment();
        load.anonymousStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
      }, load.failures, done);
    }
    Thread.sleep(duration.toMillis());
    running.set(false);
    assertThat(done.await(CLIENT_TIMEOUT.plusSeconds(15).toMillis(), TimeUnit.MILLISECONDS))
        .as(() -> done.getCount() + " of " + 2 * CLIENTS + " clients still wait for their last answer; failed: "
            + load.failures + "; " + server.get())
        .isTrue();
    return load;
  }

  private interface Outcome {
    void record(int status, long millis);
  }

  /** One client: the next request when the answer is read; status 0 for a failed exchange. */
  private static void loop(HttpClient http, RequestOptions request, AtomicBoolean running, Outcome outcome,
      Map<String, LongAdder> failures, CountDownLatch done) {
    if (!running.get()) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    Future<Integer> status = http.request(request)
        .compose(sent -> sent.send())
        .compose(response -> response.body().map(body -> response.statusCode()));
    status.onComplete(result -> {
      if (result.failed()) {
        failures.computeIfAbsent(String.valueOf(result.cause()), cause -> new LongAdder()).increment();
      }
      outcome.record(result.succeeded() ? result.result() : 0, (System.nanoTime() - start) / 1_000_000);
      loop(http, request, running, outcome, failures, done);
    });
  }

  /**
   * {@code count} more kwok nodes, labelled for cleanup, each with a pod bound to it: a kwok node
   * reports what its pods use, and without one a zero working set, which leaves it out of the API
   * (as metrics-server does).
   */
  private static String fleet(int count) throws Exception {
    List<ObjectNode> items = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = "load-node-" + i;
      items.add(KwokNodes.node(name, "load"));
      items.add(KwokNodes.pod("load-" + i, NAMESPACE, name, "50m", "64Mi"));
    }
    return KwokNodes.list(items);
  }

  /** TOKENS ServiceAccounts allowed to read metrics.k8s.io, and a token of each. */
  private static List<String> readers() throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 1; i <= TOKENS; i++) {
      String name = "reader-" + i;
      cluster.kubectl("create", "serviceaccount", "-n", NAMESPACE, name).ok();
      cluster.kubectl("create", "clusterrolebinding", "pulse-load-" + name,
          "--clusterrole=system:aggregated-metrics-reader", "--serviceaccount=" + NAMESPACE + ":" + name).ok();
      cluster.kubectl("label", "clusterrolebinding", "pulse-load-" + name, LABEL).ok();
      tokens.add(cluster.kubectl("create", "token", "-n", NAMESPACE, name, "--duration=1h").ok().stdout().strip());
    }
    return tokens;
  }

  private static int nodesServed(int port, String host, Path ca) throws Exception {
    LocalCluster.Result list = aggregator(port, host, ca, "/apis/metrics.k8s.io/v1beta1/nodes");
    return list.exitCode() == 0 ? JSON.readTree(list.stdout()).path("items").size() : -1;
  }

  /** The aggregator's /metrics samples, by name and labels, without their values. */
  private static List<String> series(int port, String host, Path ca) throws Exception {
    return aggregator(port, host, ca, "/metrics").ok().stdout().lines()
        .filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.substring(0, line.lastIndexOf(' ')))
        .sorted()
        .toList();
  }

  /**
   * For a failure's message: the aggregator's own count of its connections and of the requests it
   * refused or timed out.
   */
  private static String serverLimits(int port, String host, Path ca) {
    try {
      return "the aggregator's " + aggregator(port, host, ca, "/metrics").ok().stdout().lines()
          .filter(line -> line.startsWith("pulse_server_"))
          .toList();
    } catch (Exception e) {
      return "the aggregator's /metrics unreadable: " + e;
    }
  }

  private static LocalCluster.Result aggregator(int port, String host, Path ca, String path) throws Exception {
    Path pki = cluster.repo().resolve(".pulse/pki");
    return LocalCluster.run(List.of("curl", "-fsS", "--max-time", "30", "--cacert", ca.toString(),
        "--cert", pki.resolve("admin.crt").toString(), "--key", pki.resolve("admin.key").toString(),
        "--resolve", host + ":" + port + ":127.0.0.1", "https://" + host + ":" + port + path));
  }

  /** kube-apiserver's count of TokenReviews and SubjectAccessReviews created so far. */
  private static Map<String, Long> reviews() throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-fsS", "--max-time", "30"));
    command.addAll(cluster.adminTls());
    command.add("https://127.0.0.1:" + cluster.port("APISERVER") + "/metrics");
    String metrics = LocalCluster.run(command).ok().stdout();
    Map<String, Long> counts = new ConcurrentHashMap<>(Map.of("tokenreviews", 0L, "subjectaccessreviews", 0L));
    Pattern sample = Pattern.compile("^apiserver_request_total\\{(.*)} (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(metrics);
    while (m.find()) {
      for (String resource : counts.keySet()) {
        if (m.group(1).contains("resource=\"" + resource + "\"")) {
          counts.merge(resource, (long) Double.parseDouble(m.group(2)), Long::sum);
        }
      }
    }
    return counts;
  }

  private static long rssKib(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(line -> line.startsWith("VmRSS:"))
          .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
          .findFirst().orElse(0);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
