package dev.pulse.operator.reconciler;

import dev.pulse.operator.api.ApiServiceTakeover;
import dev.pulse.operator.api.AutoSizeStatus;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineStatus;
import dev.pulse.operator.dependent.AggregatorClusterRoleBindingDependentResource;
import dev.pulse.operator.dependent.AggregatorClusterRoleDependentResource;
import dev.pulse.operator.dependent.ApiServiceDependentResource;
import dev.pulse.operator.dependent.AuthDelegatorClusterRoleBindingDependentResource;
import dev.pulse.operator.dependent.AuthReaderRoleBindingDependentResource;
import dev.pulse.operator.dependent.CaSecretDependentResource;
import dev.pulse.operator.dependent.DeploymentDependentResource;
import dev.pulse.operator.dependent.MetricsReaderClusterRoleDependentResource;
import dev.pulse.operator.dependent.NamespaceDependentResource;
import dev.pulse.operator.dependent.PodDisruptionBudgetDependentResource;
import dev.pulse.operator.dependent.ReconcileInputs;
import dev.pulse.operator.dependent.ServiceAccountDependentResource;
import dev.pulse.operator.dependent.ServiceDependentResource;
import dev.pulse.operator.dependent.ServingSecretDependentResource;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.model.AutoSize;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.monitoring.MonitoringObjects;
import dev.pulse.operator.status.ApiServiceState;
import dev.pulse.operator.status.MonitoringState;
import dev.pulse.operator.status.NodeReport;
import dev.pulse.operator.status.Observations;
import dev.pulse.operator.status.PodProblems;
import dev.pulse.operator.status.StatusAggregator;
import dev.pulse.operator.status.Transitions;
import dev.pulse.operator.status.Workload;
import dev.pulse.operator.tls.StoredTls;
import dev.pulse.operator.tls.TlsMaterial;
import dev.pulse.operator.tls.TlsPolicy;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a MetricsPipeline into its objects. The workflow is invoked explicitly because two
 * decisions come first: whether this pipeline is the active one, and which certificates every
 * object describes. The CA Secret comes before the APIService and the serving Secret after it, so
 * kube-apiserver trusts a new CA before any pod serves a certificate it signed.
 *
 * <p>A failed reconcile is retried for as long as it fails, at least once a minute, as
 * controller-runtime's work queue does. JOSDK's default gives up after five retries (some 26 s),
 * and then only a new event reconciles again: a pipeline that is not Ready could stop following
 * its APIService when kube-apiserver was away for longer, or when status patches kept being
 * computed from a cache that had not seen the previous patch yet (kube-apiserver answers such a
 * JSON patch with 422 Invalid).
 */
@ControllerConfiguration(name = MetricsPipelineReconciler.NAME)
@GradualRetry(maxAttempts = MetricsPipelineReconciler.RETRY_WITHOUT_LIMIT,
    maxInterval = MetricsPipelineReconciler.RETRY_MAX_INTERVAL_MILLIS)
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = MetricsPipelineReconciler.NAMESPACE, type = NamespaceDependentResource.class),
    @Dependent(name = MetricsPipelineReconciler.SERVICE_ACCOUNT, type = ServiceAccountDependentResource.class,
        dependsOn = MetricsPipelineReconciler.NAMESPACE),
    @Dependent(name = MetricsPipelineReconciler.AGGREGATOR_CLUSTER_ROLE,
        type = AggregatorClusterRoleDependentResource.class),
    // kube-apiserver checks a binding against the role it grants, which must exist by then.
    @Dependent(name = "aggregator-cluster-role-binding", type = AggregatorClusterRoleBindingDependentResource.class,
        dependsOn = MetricsPipelineReconciler.AGGREGATOR_CLUSTER_ROLE),
    @Dependent(name = "auth-delegator-cluster-role-binding",
        type = AuthDelegatorClusterRoleBindingDependentResource.class),
    @Dependent(name = "auth-reader-role-binding", type = AuthReaderRoleBindingDependentResource.class),
    // After the APIService: a role of the same name left by metrics-server is adopted only by the
    // pipeline that holds the API.
    @Dependent(name = "metrics-reader-cluster-role", type = MetricsReaderClusterRoleDependentResource.class,
        dependsOn = MetricsPipelineReconciler.API_SERVICE),
    @Dependent(name = MetricsPipelineReconciler.SERVICE, type = ServiceDependentResource.class,
        dependsOn = MetricsPipelineReconciler.NAMESPACE),
    @Dependent(name = MetricsPipelineReconciler.CA_SECRET, type = CaSecretDependentResource.class,
        dependsOn = MetricsPipelineReconciler.NAMESPACE),
    @Dependent(name = MetricsPipelineReconciler.API_SERVICE, type = ApiServiceDependentResource.class,
        dependsOn = MetricsPipelineReconciler.CA_SECRET, reconcilePrecondition = ApiServiceDependentResource.Claimable.class),
    // Without the APIService the aggregator would serve no one, so the workflow does not run it.
    @Dependent(name = MetricsPipelineReconciler.SERVING_SECRET, type = ServingSecretDependentResource.class,
        dependsOn = MetricsPipelineReconciler.API_SERVICE),
    @Dependent(name = MetricsPipelineReconciler.DEPLOYMENT, type = DeploymentDependentResource.class,
        dependsOn = {MetricsPipelineReconciler.SERVING_SECRET, MetricsPipelineReconciler.SERVICE_ACCOUNT}),
    @Dependent(name = MetricsPipelineReconciler.POD_DISRUPTION_BUDGET,
        type = PodDisruptionBudgetDependentResource.class,
        dependsOn = MetricsPipelineReconciler.DEPLOYMENT,
        reconcilePrecondition = PodDisruptionBudgetDependentResource.Needed.class),
})
public final class MetricsPipelineReconciler implements Reconciler<MetricsPipeline> {

  public static final String NAME = "metricspipeline";

  static final String NAMESPACE = "namespace";
  static final String SERVICE_ACCOUNT = "service-account";
  static final String SERVICE = "service";
  static final String POD_DISRUPTION_BUDGET = "pod-disruption-budget";
  static final String AGGREGATOR_CLUSTER_ROLE = "aggregator-cluster-role";
  static final String CA_SECRET = "ca-secret";
  static final String API_SERVICE = "api-service";
  static final String SERVING_SECRET = "serving-secret";
  static final String DEPLOYMENT = "deployment";

  /** JOSDK's GenericRetry takes -1 attempts as no limit. */
  static final int RETRY_WITHOUT_LIMIT = -1;
  static final long RETRY_MAX_INTERVAL_MILLIS = 60_000;

  /**
   * An inactive pipeline learns of the active one's deletion only by looking again: events of one
   * primary do not reconcile another.
   */
  static final Duration INACTIVE_RECHECK = Duration.ofMinutes(1);
  /** How soon a pipeline that is not Ready yet, or still rolling out, is looked at again. */
  static final Duration NOT_READY_RECHECK = Duration.ofSeconds(10);
  /** How soon monitoring asked for is looked at again, for CRDs installed since and objects deleted. */
  static final Duration MONITORING_RECHECK = Duration.ofMinutes(1);
  /** A resize due now is applied by the next reconcile; the clocks may disagree by a little. */
  private static final Duration MIN_AUTO_SIZE_WAIT = Duration.ofSeconds(2);
  /** A certificate that is already due was just handled; do not spin if the clocks disagree. */
  private static final Duration MIN_RESCHEDULE = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(MetricsPipelineReconciler.class);

  private final String defaultImage;
  private final Optional<LocalAggregator> localAggregator;
  private final AggregatorNamespaces namespaces;
  private final Clock clock;
  private final EventRecorder events =
      new EventRecorder(Objects.requireNonNullElse(System.getenv("HOSTNAME"), Names.MANAGED_BY));
  private final AggregatorNodes aggregatorNodes;

  /**
   * @param defaultImage the aggregator image released with the operator
   * @param localAggregator where the aggregator runs in development mode; empty in a cluster
   * @param namespaces where the operator may run the aggregator; register the reconciler with
   *     {@link #watching} the same namespaces
   * @param clock decides when certificates are due; tests move it forward
   */
  public MetricsPipelineReconciler(String defaultImage, Optional<LocalAggregator> localAggregator,
      AggregatorNamespaces namespaces, Clock clock) {
    this.defaultImage = defaultImage;
    this.localAggregator = localAggregator;
    this.namespaces = namespaces;
    this.clock = clock;
    this.aggregatorNodes = new AggregatorNodes(localAggregator);
  }

  /**
   * Narrows the informers of the namespaced dependents to {@code namespaces}, where the operator's
   * Role grants it their kinds: the annotations can only name namespaces known when compiling.
   */
  public static Consumer<ControllerConfigurationOverrider<MetricsPipeline>> watching(AggregatorNamespaces namespaces) {
    return overrider -> overrider
        .replacingNamedDependentResourceConfig(SERVICE_ACCOUNT, managedIn(ServiceAccount.class, namespaces))
        .replacingNamedDependentResourceConfig(SERVICE, managedIn(Service.class, namespaces))
        .replacingNamedDependentResourceConfig(CA_SECRET, managedIn(Secret.class, namespaces))
        .replacingNamedDependentResourceConfig(SERVING_SECRET, managedIn(Secret.class, namespaces))
        .replacingNamedDependentResourceConfig(DEPLOYMENT, managedIn(Deployment.class, namespaces))
        .replacingNamedDependentResourceConfig(POD_DISRUPTION_BUDGET, managedIn(PodDisruptionBudget.class, namespaces));
  }

  private static <R extends HasMetadata> KubernetesDependentResourceConfig<R> managedIn(Class<R> type,
      AggregatorNamespaces namespaces) {
    return new KubernetesDependentResourceConfigBuilder<R>()
        .withKubernetesDependentInformerConfig(InformerConfiguration.builder(type)
            .withLabelSelector(Names.MANAGED_SELECTOR)
            .withNamespaces(namespaces.informerNamespaces())
            .build())
        .build();
  }

  /**
   * The aggregator's pods, watched so that the status can say why one does not run; they carry the
   * pipeline's name as a label, as every managed object does. The aggregator's node summary,
   * polled, for the kubelets it cannot scrape. And the one ConfigMap where kube-apiserver publishes
   * its aggregation layer's CAs, by name, since a change there concerns every pipeline.
   */
  @Override
  public List<EventSource<?, MetricsPipeline>> prepareEventSources(EventSourceContext<MetricsPipeline> context) {
    return List.of(aggregatorNodes.eventSource(context),
        new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, MetricsPipeline.class)
            .withName("authentication-config")
            .withNamespaces(Set.of(Names.KUBE_SYSTEM))
            .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name",
                Names.AUTHENTICATION_CONFIG_MAP)))
            .withSecondaryToPrimaryMapper(configMap -> context.getPrimaryCache().list()
                .map(ResourceID::fromResource).collect(Collectors.toSet()))
            .build(), context),
        new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, MetricsPipeline.class)
            .withName("aggregator-pods")
            .withNamespaces(namespaces.informerNamespaces())
            .withLabelSelector(Names.MANAGED_SELECTOR + "," + Names.COMPONENT_LABEL + "=" + Component.AGGREGATOR.value)
            .withSecondaryToPrimaryMapper(pod -> Optional.ofNullable(pod.getMetadata().getLabels())
                .map(labels -> labels.get(Names.INSTANCE_LABEL))
                .map(name -> Set.of(new ResourceID(name)))
                .orElse(Set.of()))
            .build(), context));
  }

  @Override
  public UpdateControl<MetricsPipeline> reconcile(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    Instant now = clock.instant();
    Optional<String> activePipeline = activePipeline(pipeline, context);
    if (activePipeline.isPresent()) {
      aggregatorNodes.forget(pipeline);
      Observations observed = new Observations(Workload.notCreated(pipeline.getSpec().getReplicas()),
          new ApiServiceState.Absent(), Optional.empty(), activePipeline, Optional.empty(), Optional.empty());
      return patchStatusIfChanged(pipeline, StatusAggregator.aggregate(pipeline, observed, now), context, now)
          .rescheduleAfter(INACTIVE_RECHECK);
    }
    if (!namespaces.allows(pipeline.getSpec().getNamespace())) {
      // Its informers do not see that namespace, nor may its Role write there: running the workflow
      // would only collect "forbidden" errors. spec.namespace is immutable, so nothing to recheck.
      aggregatorNodes.forget(pipeline);
      return patchStatusIfChanged(pipeline, StatusAggregator.outsideNamespaces(pipeline, namespaces, now), context,
          now);
    }

    TlsPolicy policy = TlsPolicy.of(pipeline);
    TlsMaterial tls = TlsMaterial.reconcile(storedTls(pipeline, context), policy, now);
    Optional<String> foreignApiService = foreignApiService(pipeline, context);
    // Behind a foreign APIService the serving certificate is not stored, so every reconcile would
    // issue one again: only what is kept is news.
    List<String> kept = foreignApiService.isEmpty() ? tls.changes() : tls.caChanges();
    kept.forEach(change -> {
      LOG.info("MetricsPipeline {}: {}", pipeline.getMetadata().getName(), change);
      events.record(context.getClient(), pipeline, new Transitions.Note(Transitions.Note.NORMAL,
          "CertificatesIssued", "The operator " + change + "."), now);
    });
    // Replacing another metrics server: it keeps serving until an aggregator can.
    Optional<String> replaced = foreignApiService.isEmpty()
        ? cachedApiService(context).flatMap(existing -> ApiServiceDependentResource.foreignOwner(existing, pipeline))
        : Optional.empty();
    boolean keepApiService = replaced.isPresent() && !aggregatorServing(pipeline, context, tls);
    Optional<AutoSize.Decision> autoSize = autoSize(pipeline, context, now);
    new ReconcileInputs(tls, defaultImage, foreignApiService, localAggregator, keepApiService,
        autoSize.flatMap(AutoSize.Decision::resources)).store(context);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    MonitoringState monitoring = MonitoringObjects.reconcile(context.getClient(), pipeline,
        StatusAggregator.reportsMonitoring(pipeline.getStatus()));

    ApiServiceState apiService = foreignApiService.<ApiServiceState>map(ApiServiceState.Foreign::new)
        .or(() -> replaced.filter(owner -> keepApiService).map(ApiServiceState.HandingOver::new))
        .orElseGet(() -> context.getSecondaryResource(APIService.class).map(MetricsPipelineReconciler::owned)
            .orElseGet(ApiServiceState.Absent::new));
    Workload workload = workload(pipeline, context);
    // Only a ready pod answers; before one is, the summary would say nothing but "unreachable".
    if (workload.ready() > 0) {
      aggregatorNodes.watch(pipeline, tls);
    } else {
      aggregatorNodes.forget(pipeline);
    }
    Optional<NodeReport> nodes = workload.ready() > 0 ? context.getSecondaryResource(NodeReport.class)
        : Optional.empty();
    Observations observed = new Observations(workload, apiService,
        Optional.of(tls.serving().certificate().getNotAfter().toInstant()), Optional.empty(), nodes,
        authentication(context), monitoring, autoSize);
    MetricsPipelineStatus status = StatusAggregator.aggregate(pipeline, observed, now);
    Duration next = nextLook(StatusAggregator.isReady(status), workload.rollingOut(),
        Duration.between(now, tls.nextChange(policy.renewBefore())),
        autoSize.flatMap(AutoSize.Decision::due).map(due -> Duration.between(now, due)),
        pipeline.getSpec().getMonitoring().requested());
    return patchStatusIfChanged(pipeline, status, context, now).rescheduleAfter(next);
  }

  /**
   * spec.autoSize's decision from the node count the aggregator last reported (through the polling
   * event source's cache; empty while it reports none) and what the status said before.
   */
  private static Optional<AutoSize.Decision> autoSize(MetricsPipeline pipeline, Context<MetricsPipeline> context,
      Instant now) {
    if (!pipeline.getSpec().getAutoSize().getEnabled()) {
      return Optional.empty();
    }
    OptionalInt count = context.getSecondaryResource(NodeReport.class)
        .filter(NodeReport.Scrapes.class::isInstance)
        .map(report -> OptionalInt.of(((NodeReport.Scrapes) report).selected()))
        .orElse(OptionalInt.empty());
    AutoSizeStatus previous = pipeline.getStatus() == null ? null : pipeline.getStatus().getAutoSize();
    return Optional.of(AutoSize.decide(pipeline.getSpec().getAutoSize(), pipeline.getSpec().getResources() != null,
        previous, count, now));
  }

  /** The oldest pipeline is the active one; the name breaks ties within a second. */
  private static Optional<String> activePipeline(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return context.getPrimaryCache().list()
        .filter(other -> other.getMetadata().getDeletionTimestamp() == null)
        .min(Comparator.comparing((MetricsPipeline other) -> other.getMetadata().getCreationTimestamp(),
                Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(other -> other.getMetadata().getName()))
        .map(oldest -> oldest.getMetadata().getName())
        .filter(oldest -> !oldest.equals(pipeline.getMetadata().getName()));
  }

  private static StoredTls storedTls(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    Optional<Secret> ca = secret(pipeline, context, Names.CA_SECRET);
    Optional<Secret> serving = secret(pipeline, context, Names.SERVING_SECRET);
    return new StoredTls(ca.flatMap(CaSecretDependentResource::readCa),
        ca.map(CaSecretDependentResource::readPreviousCas).orElse(List.of()),
        serving.flatMap(ServingSecretDependentResource::read));
  }

  /**
   * By name: both Secret informers map both Secrets to the pipeline through their owner
   * references, so asking an event source for "its" Secret finds two.
   */
  private static Optional<Secret> secret(MetricsPipeline pipeline, Context<MetricsPipeline> context, String name) {
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(secret -> name.equals(secret.getMetadata().getName())
            && pipeline.getSpec().getNamespace().equals(secret.getMetadata().getNamespace()))
        .findFirst();
  }

  /**
   * From the APIService dependent's informer, which watches every APIService: no request per
   * reconcile, and not-Ready pipelines reconcile every few seconds.
   */
  @SuppressWarnings("unchecked")
  private static Optional<APIService> cachedApiService(Context<MetricsPipeline> context) {
    return ((Cache<APIService>) context.eventSourceRetriever().getEventSourceFor(APIService.class))
        .get(new ResourceID(Names.API_SERVICE));
  }

  /** By name from its own informer's cache: the informer holds that one ConfigMap and nothing else. */
  @SuppressWarnings("unchecked")
  private static Optional<Map<String, String>> authentication(Context<MetricsPipeline> context) {
    return ((Cache<ConfigMap>) context.eventSourceRetriever().getEventSourceFor(ConfigMap.class))
        .get(new ResourceID(Names.AUTHENTICATION_CONFIG_MAP, Names.KUBE_SYSTEM))
        .map(configMap -> Objects.requireNonNullElse(configMap.getData(), Map.of()));
  }

  /**
   * Whether an aggregator answers readiness for the current certificates: in a cluster, a ready pod
   * (its readiness probe is the aggregator's /readyz); in development mode the pods serve no one,
   * so the local process is asked.
   */
  private boolean aggregatorServing(MetricsPipeline pipeline, Context<MetricsPipeline> context, TlsMaterial tls) {
    return localAggregator
        .map(local -> LocalReadiness.ready(local, pipeline.getSpec().getNamespace(), tls.caBundlePem()))
        .orElseGet(() -> workload(pipeline, context).ready() > 0);
  }

  /** Who holds the APIService when the pipeline must leave it alone. */
  private static Optional<String> foreignApiService(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    Optional<APIService> cached = cachedApiService(context);
    if (cached.isEmpty()) {
      return Optional.empty();
    }
    APIService existing = cached.get();
    ApiServiceTakeover policy = pipeline.getSpec().getApiService().getTakeover();
    return ApiServiceDependentResource.foreignOwner(existing, pipeline)
        .filter(owner -> !ApiServiceDependentResource.mayReplace(policy, existing,
            policy == ApiServiceTakeover.IfOrphaned && serviceExists(existing, context)));
  }

  private static boolean serviceExists(APIService apiService, Context<MetricsPipeline> context) {
    ServiceReference service = apiService.getSpec().getService();
    return service != null
        && context.getClient().services().inNamespace(service.getNamespace()).withName(service.getName()).get() != null;
  }

  private static ApiServiceState owned(APIService apiService) {
    return Optional.ofNullable(apiService.getStatus()).map(status -> status.getConditions()).orElse(List.of()).stream()
        .filter(condition -> "Available".equals(condition.getType()))
        .findFirst()
        .<ApiServiceState>map(c -> new ApiServiceState.Owned(c.getStatus(), c.getReason(), c.getMessage()))
        .orElseGet(() -> new ApiServiceState.Owned("Unknown", null, null));
  }

  private static Workload workload(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    int desired = pipeline.getSpec().getReplicas();
    Optional<DeploymentStatus> status = context.getSecondaryResource(Deployment.class).map(Deployment::getStatus);
    if (status.isEmpty()) {
      return Workload.notCreated(desired);
    }
    boolean deadlineExceeded = Optional.ofNullable(status.get().getConditions()).orElse(List.of()).stream()
        .anyMatch(c -> "Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason()));
    List<Pod> pods = context.getSecondaryResourcesAsStream(Pod.class)
        .filter(pod -> pipeline.getSpec().getNamespace().equals(pod.getMetadata().getNamespace()))
        .toList();
    return new Workload(desired, Objects.requireNonNullElse(status.get().getReadyReplicas(), 0),
        Objects.requireNonNullElse(status.get().getUpdatedReplicas(), 0),
        Objects.requireNonNullElse(status.get().getReplicas(), 0), deadlineExceeded, PodProblems.of(pods));
  }

  /**
   * When to reconcile again without news. Renewal must not wait for the periodic resync (hours):
   * come back when a certificate is due. Until Ready, and while a rollout replaces pods, look again
   * soon: kube-apiserver's availability check, the pods' readiness and the Deployment's progress
   * change without a write of ours, and an informer event may be missed (seen on a recreated
   * APIService whose first status update JOSDK took for its own write, and at the end of a rollout,
   * whose status kept three ready replicas of two for minutes). A node count waiting out autoSize's
   * stabilization is applied when it is due, and the Prometheus Operator's CRDs can be installed or
   * removed at any time, with no event here.
   *
   * @param untilResize until autoSize's pending change is due, if one waits
   */
  static Duration nextLook(boolean ready, boolean rollingOut, Duration untilCertificateDue,
      Optional<Duration> untilResize, boolean monitoring) {
    Duration next = untilCertificateDue.compareTo(MIN_RESCHEDULE) < 0 ? MIN_RESCHEDULE : untilCertificateDue;
    if (!ready || rollingOut) {
      next = NOT_READY_RECHECK;
    }
    Optional<Duration> resize = untilResize
        .map(wait -> wait.compareTo(MIN_AUTO_SIZE_WAIT) < 0 ? MIN_AUTO_SIZE_WAIT : wait);
    if (resize.isPresent() && resize.get().compareTo(next) < 0) {
      next = resize.get();
    }
    if (monitoring && next.compareTo(MONITORING_RECHECK) > 0) {
      next = MONITORING_RECHECK;
    }
    return next;
  }

  /**
   * An unchanged status is not written: every write would be an event for everyone watching. A
   * changed one may be news for {@code kubectl describe}.
   */
  private UpdateControl<MetricsPipeline> patchStatusIfChanged(MetricsPipeline pipeline, MetricsPipelineStatus status,
      Context<MetricsPipeline> context, Instant now) {
    if (status.equals(pipeline.getStatus())) {
      return UpdateControl.noUpdate();
    }
    Transitions.between(pipeline.getStatus(), status)
        .forEach(note -> events.record(context.getClient(), pipeline, note, now));
    pipeline.setStatus(status);
    return UpdateControl.patchStatus(pipeline);
  }
}
