package dev.pulse.operator;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.observability.LogConfigurator;
import dev.pulse.operator.observability.ObservabilityServer;
import dev.pulse.operator.reconciler.MetricsPipelineReconciler;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator against the current kubeconfig (in a pod: its service account). Refuses to
 * start, with a message and exit code 1, when the API server cannot be reached or the CRD is not
 * installed: JOSDK would otherwise retry its informers without saying why nothing happens.
 */
public final class OperatorMain {

  public static final String CRD = "metricspipelines.pulse.dev";
  static final String CRD_FILE = "crds/metricspipelines.pulse.dev-v1.yml";
  /** Set through the downward API in the operator's pod; its presence turns on leader election. */
  public static final String POD_NAMESPACE = "POD_NAMESPACE";
  public static final String IMAGE = "PULSE_AGGREGATOR_IMAGE";
  public static final String DEFAULT_IMAGE = "ghcr.io/pulse/pulse-aggregator:0.1.0";
  public static final String LEASE = "pulse-operator";
  /**
   * The Lease is renewed every 5 s instead of client-go's 2 s: renewals were most of an idle
   * operator's CPU, and a standby still takes over within half a minute of the leader's death.
   */
  static final Duration LEASE_DURATION = Duration.ofSeconds(30);
  static final Duration LEASE_RENEW_DEADLINE = Duration.ofSeconds(20);
  static final Duration LEASE_RETRY_PERIOD = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) {
    String logProblem = LogConfigurator.formatProblem(System.getenv());
    if (logProblem != null) {
      System.err.println(logProblem);
      System.exit(2);
    }
    Optional<LocalAggregator> local;
    AggregatorNamespaces namespaces;
    try {
      local = LocalAggregator.parse(System.getenv(LocalAggregator.ENV));
      namespaces = AggregatorNamespaces.parse(System.getenv(AggregatorNamespaces.ENV));
    } catch (IllegalArgumentException e) {
      LOG.error(e.getMessage());
      System.exit(1);
      return;
    }
    local.ifPresent(endpoint -> LOG.warn("Development mode ({}): the APIService points at {}:{} through an ExternalName"
        + " Service; the aggregator must run there, the Deployment's pods serve no one",
        LocalAggregator.ENV, endpoint.host(), endpoint.port()));
    KubernetesClient client = new KubernetesClientBuilder().build();
    ObservabilityServer observability = ObservabilityServer.fromEnvironment();
    String problem = startProblem(client);
    if (problem != null) {
      LOG.error(problem);
      client.close();
      System.exit(1);
    }
    String podNamespace = System.getenv(POD_NAMESPACE);
    Operator operator = new Operator(overrider -> {
      configure(overrider).withKubernetesClient(client).withMetrics(observability.metrics());
      if (podNamespace != null) {
        overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE, podNamespace,
            LEASE_DURATION, LEASE_RENEW_DEADLINE, LEASE_RETRY_PERIOD));
      }
    });
    LOG.info("The aggregator may run in {}", namespaces);
    operator.register(new MetricsPipelineReconciler(
        Objects.requireNonNullElse(System.getenv(IMAGE), DEFAULT_IMAGE), local, namespaces, Clock.systemUTC()),
        MetricsPipelineReconciler.watching(namespaces));
    operator.installShutdownHook(Duration.ofSeconds(10));
    observability.start(operator);
    operator.start();
  }

  /**
   * What tests and production share. Server-side apply is off: fabric8's mock API server answers
   * it with 415, and the operator should run in production what its tests run. The dependents'
   * matchers compare what the operator sets, so plain updates do not fight defaulted fields.
   * A cluster has one active pipeline: two reconciler threads, and four for its dependents, where
   * JOSDK's defaults kept some forty idle threads (and their stacks) around.
   */
  public static ConfigurationServiceOverrider configure(ConfigurationServiceOverrider overrider) {
    return overrider
        .withConcurrentReconciliationThreads(2)
        .withConcurrentWorkflowExecutorThreads(4)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false);
  }

  /** Why the operator cannot start, or null. */
  public static String startProblem(KubernetesClient client) {
    CustomResourceDefinition crd;
    try {
      crd = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
    } catch (KubernetesClientException e) {
      return "Cannot reach the Kubernetes API server at " + client.getMasterUrl() + ": " + rootMessage(e)
          + ". Check the kubeconfig (KUBECONFIG, current context) or the pod's service account.";
    }
    if (crd == null) {
      return "The CRD " + CRD + " is not installed in the cluster at " + client.getMasterUrl()
          + ". Install it first: kubectl apply -f " + CRD_FILE;
    }
    boolean served = crd.getSpec().getVersions().stream()
        .anyMatch(version -> MetricsPipeline.VERSION.equals(version.getName()) && Boolean.TRUE.equals(version.getServed()));
    return served ? null : "The CRD " + CRD + " does not serve " + MetricsPipeline.VERSION
        + ", the version this operator reads. Apply the CRD released with it: kubectl apply -f " + CRD_FILE;
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause == e ? e.getMessage() : e.getMessage() + " (" + cause + ")";
  }
}
