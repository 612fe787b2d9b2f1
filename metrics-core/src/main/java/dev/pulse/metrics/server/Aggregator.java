package dev.pulse.metrics.server;

import dev.pulse.metrics.api.types.GoDurations;
import dev.pulse.metrics.api.MetricsApi;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.api.selector.SelectorException;
import dev.pulse.metrics.auth.AccessControl;
import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.cluster.InformerClusterView;
import dev.pulse.metrics.config.AggregatorOptions;
import dev.pulse.metrics.scrape.KubeletClient;
import dev.pulse.metrics.scrape.KubeletEndpoint;
import dev.pulse.metrics.scrape.Scraper;
import dev.pulse.metrics.storage.MetricsStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles and runs the pipeline: informers → scraper → store → API server behind access control. */
public final class Aggregator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);
  private static final Duration INFORMER_SYNC_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration BLOCKED_THREAD_CHECK_INTERVAL = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final AccessControl access;
  private final InformerClusterView cluster;
  private final KubeletClient kubelets;
  private final Scraper scraper;
  private final AggregatorServer server;
  private final int port;

  private Aggregator(Vertx vertx, AccessControl access, InformerClusterView cluster, KubeletClient kubelets,
      Scraper scraper, AggregatorServer server, int port) {
    this.vertx = vertx;
    this.access = access;
    this.cluster = cluster;
    this.kubelets = kubelets;
    this.scraper = scraper;
    this.server = server;
    this.port = port;
  }

  /** The port the API listens on. */
  public int port() {
    return port;
  }

  /**
   * The Vert.x instance the aggregator runs on, sized for its work: scraping is asynchronous and
   * decoding takes microseconds, so one event loop per core is enough, and the few blocking calls
   * (certificate reloads) need few workers. Vert.x's defaults (two loops per core, 20 workers and
   * 20 internal threads) cost threads and memory for nothing here.
   */
  public static Vertx newVertx() {
    return Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2)
        // Vert.x looks for a blocked event loop every second, some 4 % of an idle aggregator's CPU.
        // Looking every 5 s still reports every loop blocked for more than 2 s across a look, and
        // every one blocked for 7 s or more.
        .setBlockedThreadCheckInterval(BLOCKED_THREAD_CHECK_INTERVAL.toMillis()));
  }

  /** {@link #start(AggregatorOptions, KubernetesClient, Vertx, boolean)} on a Vert.x of its own. */
  public static Aggregator start(AggregatorOptions options, KubernetesClient client, boolean inCluster)
      throws StartupException, InterruptedException {
    Vertx vertx = newVertx();
    try {
      return start(options, client, vertx, inCluster);
    } catch (StartupException | RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * Starts everything on {@code vertx} and returns once the API is listening. From then on the
   * aggregator owns {@code vertx} and closes it; when starting fails, it stays the caller's.
   *
   * @param inCluster whether the client configuration came from the pod's service account
   */
  public static Aggregator start(AggregatorOptions options, KubernetesClient client, Vertx vertx, boolean inCluster)
      throws StartupException, InterruptedException {
    LabelSelector nodeSelector;
    try {
      nodeSelector = LabelSelector.parse(options.nodeSelector);
    } catch (SelectorException e) {
      throw new StartupException("--node-selector: " + e.getMessage());
    }
    KubeletClient.Credentials credentials;
    try {
      credentials = KubeletCredentials.from(options, client.getConfiguration(), inCluster);
    } catch (IOException e) {
      throw new StartupException("cannot read kubelet TLS material: " + e.getMessage(), e);
    }
    ServingCertificate certificate;
    try {
      certificate = options.tlsCertFile == null ? ServingCertificate.selfSigned()
          : ServingCertificate.read(options.tlsCertFile, options.tlsPrivateKeyFile);
    } catch (IOException e) {
      throw new StartupException("cannot read the serving certificate: " + e.getMessage(), e);
    }
    if (options.tlsCertFile == null) {
      LOG.warn("no --tls-cert-file: serving with a self-signed certificate for localhost;"
          + " the aggregation layer cannot verify it");
    }

    AccessControl access;
    try {
      access = AccessControl.start(client, options.auth);
    } catch (IOException | IllegalArgumentException e) {
      throw new StartupException("cannot read the authentication CAs: " + e.getMessage(), e);
    } catch (KubernetesClientException e) {
      throw new StartupException("cannot read kube-system/extension-apiserver-authentication: " + e.getMessage()
          + " (bind the aggregator's identity to the Role extension-apiserver-authentication-reader in kube-system)", e);
    }

    InformerClusterView cluster = new InformerClusterView(client);
    try {
      cluster.start(INFORMER_SYNC_TIMEOUT);
    } catch (ExecutionException | TimeoutException e) {
      cluster.close();
      access.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new StartupException("cannot list nodes and pods from the API server at "
          + client.getConfiguration().getMasterUrl() + ": " + cause.getMessage()
          + " (check the kubeconfig and that the identity may list/watch nodes and pods)", cause);
    }

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);

    Duration resolution = options.metricResolution;
    MetricsStore store = new MetricsStore(resolution.toMillis(), options.kubeletFailureTolerance);
    Gauge.builder("pulse.storage.points", store, MetricsStore::nodeSeries).tag("type", "node")
        .description("Series held in memory").register(registry);
    Gauge.builder("pulse.storage.points", store, MetricsStore::containerSeries).tag("type", "container")
        .description("Series held in memory").register(registry);
    DistributionSummary freshness = DistributionSummary.builder("pulse.api.metric.freshness")
        .baseUnit("seconds").description("Age of the metrics served, per object").publishPercentileHistogram()
        .register(registry);

    KubeletClient kubelets = new KubeletClient(vertx, credentials, options.kubeletRequestTimeout, resolution,
        options.kubeletMaxResponseBytes, options.kubeletMaxConcurrency);
    KubeletEndpoint.Settings endpoints = new KubeletEndpoint.Settings(options.kubeletPreferredAddressTypes,
        options.kubeletPort, options.kubeletUseNodeStatusPort);
    Scraper scraper = new Scraper(vertx, cluster, kubelets::fetch, store, nodeSelector, endpoints, resolution,
        options.kubeletMaxConcurrency, registry);
    MetricsApi api = new MetricsApi(cluster, store, nodeSelector, Clock.systemUTC(),
        ageMillis -> freshness.record(ageMillis / 1000.0));
    ClientLimits limits = new ClientLimits(vertx, ClientLimits.Settings.of(options), registry);
    AggregatorServer server = new AggregatorServer(vertx, api, scraper::health, access,
        probes(scraper, store, resolution), limits, registry);

    int port;
    try {
      port = server.start(options.bindAddress, options.securePort, certificate)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      kubelets.close();
      cluster.close();
      access.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new StartupException("cannot listen on " + options.bindAddress + ":" + options.securePort + ": "
          + cause.getMessage(), cause);
    }
    if (options.tlsCertFile != null) {
      server.reloadCertificateFrom(options.tlsCertFile, options.tlsPrivateKeyFile, options.tlsReloadInterval);
    }
    scraper.start();
    LOG.info("serving metrics.k8s.io/v1beta1 on https://{}:{}, scraping every {}", options.bindAddress, port,
        GoDurations.format(resolution));
    return new Aggregator(vertx, access, cluster, kubelets, scraper, server, port);
  }

  /**
   * Liveness: the scrape loop keeps ticking (1.5 × resolution, as metrics-server). Readiness:
   * there are metrics to serve.
   */
  private static AggregatorServer.Probes probes(Scraper scraper, MetricsStore store, Duration resolution) {
    long maxTickAge = resolution.toMillis() * 3 / 2;
    Supplier<String> timely = () -> {
      long age = System.currentTimeMillis() - scraper.lastCycleStartMillis();
      return age <= maxTickAge ? null : "last scrape cycle started " + age + "ms ago, more than " + maxTickAge + "ms";
    };
    // healthz is the older name of livez: the same checks, answered under its own name.
    Health livez = new Health("livez").add("ping", () -> null).add("metric-collection-timely", timely);
    Health healthz = new Health("healthz").add("ping", () -> null).add("metric-collection-timely", timely);
    Health readyz = new Health("readyz")
        .add("ping", () -> null)
        .add("metric-storage-ready", () -> store.ready() ? null : "no metrics to serve yet");
    return new AggregatorServer.Probes(livez, readyz, healthz);
  }

  @Override
  public void close() {
    scraper.stop();
    server.close();
    kubelets.close();
    cluster.close();
    access.close();
    vertx.close();
  }

  /** For harnesses that drive cycles themselves. */
  Scraper scraper() {
    return scraper;
  }

  ClusterView cluster() {
    return cluster;
  }
}
