package dev.pulse.operator.status;

import dev.pulse.operator.api.AutoSizeStatus;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineSpec;
import dev.pulse.operator.api.MetricsPipelineStatus;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.model.AutoSize;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.PodSecurity;
import dev.pulse.operator.status.ApiServiceState.Absent;
import dev.pulse.operator.status.ApiServiceState.Foreign;
import dev.pulse.operator.status.ApiServiceState.HandingOver;
import dev.pulse.operator.status.ApiServiceState.Owned;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place the status is computed. {@code Ready} answers "does {@code kubectl top} work",
 * {@code Progressing} "is a change still rolling out", {@code Degraded} "does someone have to act";
 * {@code APIServiceAvailable} and {@code CertificatesValid} show the two things that fail most
 * often on their own, {@code NodesScraped} which kubelets cannot be scraped and why,
 * {@code AggregationLayerConfigured} whether kube-apiserver can tell the aggregator who asks. A False
 * {@code Ready} names the most fundamental problem, and every message says how to fix it.
 */
public final class StatusAggregator {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String API_SERVICE_AVAILABLE = "APIServiceAvailable";
  public static final String CERTIFICATES_VALID = "CertificatesValid";
  public static final String NODES_SCRAPED = NodesScraped.TYPE;
  public static final String AGGREGATION_LAYER_CONFIGURED = AggregationLayer.TYPE;
  /** Only while spec.monitoring asks for something. */
  public static final String MONITORING_CONFIGURED = "MonitoringConfigured";

  static final String TRUE = "True";
  static final String FALSE = "False";
  static final String UNKNOWN = "Unknown";

  private StatusAggregator() {}

  /**
   * The status for {@code pipeline} given what was observed at {@code now}. Conditions whose
   * status and reason did not change keep their {@code lastTransitionTime}, so an unchanged
   * situation yields an equal status (and no write).
   */
  public static MetricsPipelineStatus aggregate(MetricsPipeline pipeline, Observations observed, Instant now) {
    boolean runs = observed.activePipeline().isEmpty();
    List<Verdict> verdicts = runs ? active(pipeline, observed, now) : inactive(observed.activePipeline().get());
    return status(pipeline, verdicts, observed, runs, now);
  }

  /**
   * The status of a pipeline whose {@code spec.namespace} is not one the operator may run the
   * aggregator in; the operator created nothing for it.
   */
  public static MetricsPipelineStatus outsideNamespaces(MetricsPipeline pipeline, AggregatorNamespaces allowed,
      Instant now) {
    String namespace = pipeline.getSpec().getNamespace();
    String message = "spec.namespace " + namespace + " is not a namespace this operator may run the aggregator in"
        + " (" + AggregatorNamespaces.ENV + ": " + allowed + "). Recreate the pipeline with spec.namespace set to"
        + " one of those, or add " + namespace + " to " + AggregatorNamespaces.ENV + " in the operator's"
        + " Deployment and grant its Role in " + namespace + " (config/README.md shows how).";
    return status(pipeline, blocked("NamespaceNotManaged", message),
        new Observations(Workload.notCreated(pipeline.getSpec().getReplicas()), new ApiServiceState.Absent(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), false, now);
  }

  /** @param runs whether the operator runs an aggregator for this pipeline, whose pods and nodes then count */
  private static MetricsPipelineStatus status(MetricsPipeline pipeline, List<Verdict> verdicts, Observations observed,
      boolean runs, Instant now) {
    Long generation = pipeline.getMetadata().getGeneration();
    List<Condition> previous = pipeline.getStatus() == null || pipeline.getStatus().getConditions() == null
        ? List.of() : pipeline.getStatus().getConditions();
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();

    MetricsPipelineStatus status = new MetricsPipelineStatus();
    status.setObservedGeneration(generation);
    status.setConditions(verdicts.stream().map(v -> v.condition(generation, time, previous)).toList());
    status.setReadyReplicas(observed.workload().ready());
    status.setApiServiceAvailable(observed.apiService() instanceof Owned owned && TRUE.equals(owned.available()));
    status.setCertificateNotAfter(observed.certificateNotAfter().map(Instant::toString).orElse(null));
    if (runs) {
      status.setPodSecurity(podSecurity(pipeline));
      status.setNodes(NodesScraped.nodes(observed.nodes()));
      status.setAutoSize(observed.autoSize().map(StatusAggregator::autoSize).orElse(null));
    }
    return status;
  }

  /** Says which level the namespace is given, so a relaxed namespace never goes unexplained. */
  static String podSecurity(MetricsPipeline pipeline) {
    String namespace = pipeline.getSpec().getNamespace();
    if (!pipeline.getSpec().getHostNetwork()) {
      return PodSecurity.RESTRICTED + ": the aggregator's pods meet it, and a namespace " + namespace
          + " created by the operator enforces it (" + PodSecurity.ENFORCE_LABEL + "=" + PodSecurity.RESTRICTED + ").";
    }
    return PodSecurity.PRIVILEGED + ": spec.hostNetwork is true, and host networking is forbidden by the baseline"
        + " and restricted Pod Security levels alike. A namespace " + namespace + " created by the operator is"
        + " labelled " + PodSecurity.ENFORCE_LABEL + "=" + PodSecurity.PRIVILEGED + " and "
        + PodSecurity.WARN_LABEL + "=" + PodSecurity.PRIVILEGED + " (" + PodSecurity.AUDIT_LABEL + " stays "
        + PodSecurity.RESTRICTED + "); one it did not create must allow it. Everything else in the pods still"
        + " meets restricted.";
  }

  /** The decision and, in its message, what it means for the pods. */
  static AutoSizeStatus autoSize(AutoSize.Decision decision) {
    AutoSizeStatus status = new AutoSizeStatus();
    status.setNodes(decision.nodes().orElse(null));
    status.setResources(decision.resources().orElse(null));
    status.setPendingNodes(decision.pendingNodes().orElse(null));
    status.setPendingSince(decision.pendingSince().map(Instant::toString).orElse(null));
    String message;
    if (decision.overridden()) {
      message = "spec.resources is set and wins: spec.autoSize is not applied.";
    } else if (decision.resources().isEmpty()) {
      message = "Waiting for the aggregator's first node count; the default resources apply until then.";
    } else {
      ResourceRequirements resources = decision.resources().get();
      message = "Sized for " + decision.nodes().get() + " nodes: requests cpu " + resources.getRequests().get("cpu")
          + ", memory " + resources.getRequests().get("memory") + "; memory limit "
          + resources.getLimits().get("memory") + ".";
      if (decision.pendingNodes().isPresent()) {
        message += " " + decision.pendingNodes().get() + " nodes since " + decision.pendingSince().get()
            + ": the size follows at " + decision.due().get() + " if the count stays outside the tolerance.";
      }
    }
    status.setMessage(message);
    return status;
  }

  /** Whether {@code status} says Ready=True. */
  public static boolean isReady(MetricsPipelineStatus status) {
    return status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> READY.equals(c.getType()) && TRUE.equals(c.getStatus()));
  }

  private static List<Verdict> inactive(String activePipeline) {
    String message = "MetricsPipeline " + activePipeline + " already serves metrics.k8s.io, and a cluster has"
        + " one APIService " + Names.API_SERVICE + ": this pipeline runs nothing. Delete one of the two.";
    return blocked("AnotherPipelineActive", message);
  }

  /** A pipeline the operator runs nothing for, and why. */
  private static List<Verdict> blocked(String reason, String message) {
    return List.of(
        new Verdict(READY, FALSE, reason, message),
        new Verdict(PROGRESSING, FALSE, reason, message),
        new Verdict(DEGRADED, TRUE, reason, message),
        new Verdict(API_SERVICE_AVAILABLE, UNKNOWN, reason, message),
        new Verdict(CERTIFICATES_VALID, UNKNOWN, reason, message),
        new Verdict(NODES_SCRAPED, UNKNOWN, reason, message),
        new Verdict(AGGREGATION_LAYER_CONFIGURED, UNKNOWN, reason, message));
  }

  private static List<Verdict> active(MetricsPipeline pipeline, Observations observed, Instant now) {
    String namespace = pipeline.getSpec().getNamespace();
    Verdict apiService = apiService(observed.apiService(), pipeline.getSpec());
    Verdict certificates = certificates(observed.certificateNotAfter(), now, namespace);
    NodesScraped.Verdict scrapes = NodesScraped.verdict(pipeline, observed.nodes());
    Verdict nodes = new Verdict(NODES_SCRAPED, scrapes.status(), scrapes.reason(), scrapes.message());
    AggregationLayer.Verdict layer = AggregationLayer.verdict(observed.authentication());
    Verdict aggregation = new Verdict(AGGREGATION_LAYER_CONFIGURED, layer.status(), layer.reason(), layer.message());
    Workload workload = observed.workload();
    Optional<Verdict> workloadProblem = workloadProblem(workload, namespace);
    boolean rollingOut = workload.rollingOut();

    // Most fundamental first: what the user must resolve before anything else can work.
    Verdict ready;
    if (observed.apiService() instanceof Foreign) {
      ready = apiService.as(READY, FALSE);
    } else if (layer.blocksMetrics()) {
      ready = aggregation.as(READY, FALSE);
    } else if (FALSE.equals(certificates.status())) {
      ready = certificates.as(READY, FALSE);
    } else if (workload.ready() == 0) {
      ready = workloadProblem.orElse(new Verdict(READY, FALSE, "AggregatorStarting",
          "No aggregator pod is ready yet (0 of " + workload.desired() + "); the first needs two scrapes"
              + " (twice metricResolution) after it starts.")).as(READY, FALSE);
    } else if (observed.apiService() instanceof HandingOver) {
      ready = apiService.as(READY, FALSE);
    } else if (!TRUE.equals(apiService.status())) {
      ready = new Verdict(READY, FALSE, "APIServiceUnavailable", apiService.message());
    } else {
      ready = new Verdict(READY, TRUE, "MetricsAvailable", "metrics.k8s.io is served by " + workload.ready()
          + " of " + workload.desired() + " aggregator pods.");
    }

    Verdict progressing;
    if (workload.deadlineExceeded()) {
      progressing = new Verdict(PROGRESSING, FALSE, "ProgressDeadlineExceeded", workloadProblem.orElseThrow().message());
    } else if (rollingOut) {
      progressing = new Verdict(PROGRESSING, TRUE, "RollingOut", workload.updated() + " of " + workload.desired()
          + " aggregator pods run the current spec, " + workload.ready() + " are ready.");
    } else if (observed.apiService() instanceof Absent || observed.apiService() instanceof HandingOver) {
      progressing = new Verdict(PROGRESSING, TRUE, "RegisteringAPIService", apiService.message());
    } else {
      progressing = new Verdict(PROGRESSING, FALSE, "Reconciled", "The aggregator runs the current spec.");
    }

    // Degraded: a problem that waiting will not fix. An APIService that is not available yet
    // while pods roll out or register is not one.
    Verdict degraded;
    if (observed.apiService() instanceof Foreign || layer.blocksMetrics() || FALSE.equals(certificates.status())) {
      degraded = ready.as(DEGRADED, TRUE);
    } else if (workloadProblem.isPresent()) {
      degraded = workloadProblem.get().as(DEGRADED, TRUE);
    } else if (workload.ready() > 0 && !rollingOut && !TRUE.equals(apiService.status())
        && observed.apiService() instanceof Owned) {
      degraded = ready.as(DEGRADED, TRUE);
    } else if (FALSE.equals(aggregation.status())) {
      // kubectl top works, but anyone with a client certificate can call the aggregator as anyone.
      degraded = aggregation.as(DEGRADED, TRUE);
    } else if (FALSE.equals(nodes.status())) {
      // kubectl top works for the other nodes, so Ready stays; but no wait will scrape these.
      degraded = nodes.as(DEGRADED, TRUE);
    } else {
      degraded = new Verdict(DEGRADED, FALSE, "AsExpected", "Nothing needs attention.");
    }
    List<Verdict> verdicts = new ArrayList<>(List.of(ready, progressing, degraded, apiService, certificates, nodes,
        aggregation));
    monitoring(observed.monitoring(), namespace).ifPresent(verdicts::add);
    return verdicts;
  }

  /** Whether {@code status} reports monitoring: objects of the operator's may exist. */
  public static boolean reportsMonitoring(MetricsPipelineStatus status) {
    return status != null && status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> MONITORING_CONFIGURED.equals(c.getType()));
  }

  private static Optional<Verdict> monitoring(MonitoringState state, String namespace) {
    if (state instanceof MonitoringState.Configured configured) {
      return Optional.of(new Verdict(MONITORING_CONFIGURED, TRUE, "Configured", String.join(" and ",
          configured.objects()) + " exist as spec.monitoring asks. Prometheus uses them when its"
          + " serviceMonitorSelector and ruleSelector match their labels (spec.monitoring.serviceMonitor.labels,"
          + " spec.monitoring.prometheusRule.labels)."));
    }
    if (state instanceof MonitoringState.CrdsMissing missing) {
      return Optional.of(new Verdict(MONITORING_CONFIGURED, FALSE, "CRDsMissing", "spec.monitoring asks for "
          + String.join(" and ", missing.kinds()) + ", but kube-apiserver does not serve that kind of "
          + Names.MONITORING_GROUP + "/" + Names.MONITORING_VERSION + ": install the Prometheus Operator's CRDs, and the operator"
          + " creates the objects within a minute. Nothing else depends on them."));
    }
    if (state instanceof MonitoringState.Failed failed) {
      return Optional.of(new Verdict(MONITORING_CONFIGURED, FALSE, "MonitoringFailed", "The ServiceMonitor or"
          + " PrometheusRule of spec.monitoring could not be written: " + failed.error() + ". The operator's Role"
          + " in " + namespace + " needs get, create, update and delete on servicemonitors and prometheusrules of "
          + Names.MONITORING_GROUP + " (config/rbac.yaml)."));
    }
    return Optional.empty();
  }

  private static Verdict apiService(ApiServiceState state, MetricsPipelineSpec spec) {
    String namespace = spec.getNamespace();
    if (state instanceof Foreign foreign) {
      return new Verdict(API_SERVICE_AVAILABLE, FALSE, "APIServiceConflict", "APIService " + Names.API_SERVICE
          + " belongs to " + foreign.owner() + ". Uninstall that metrics server and delete the APIService,"
          + " or set spec.apiService.takeover to Always (IfOrphaned when its Service no longer exists).");
    }
    if (state instanceof Absent) {
      return new Verdict(API_SERVICE_AVAILABLE, UNKNOWN, "NotRegistered",
          "APIService " + Names.API_SERVICE + " is being created.");
    }
    if (state instanceof HandingOver handingOver) {
      return new Verdict(API_SERVICE_AVAILABLE, UNKNOWN, "TakeoverPending", "APIService " + Names.API_SERVICE
          + " still sends metrics.k8s.io to " + handingOver.owner() + ": the operator takes it over once an"
          + " aggregator pod is ready, so that clients see no gap.");
    }
    Owned owned = (Owned) state;
    String reason = owned.reason() == null || owned.reason().isEmpty() ? "NotReported" : owned.reason();
    String reported = owned.message() == null || owned.message().isEmpty() ? "" : " (" + owned.message() + ")";
    if (TRUE.equals(owned.available())) {
      return new Verdict(API_SERVICE_AVAILABLE, TRUE, reason, "kube-apiserver reaches and trusts the aggregator.");
    }
    String service = Names.SERVICE + "." + namespace + ".svc:443";
    String hint = switch (reason) {
      case "MissingEndpoints", "EndpointsNotFound" -> "Service " + namespace + "/" + Names.SERVICE
          + " has no ready aggregator pod yet.";
      case "ServiceNotFound" -> "Service " + namespace + "/" + Names.SERVICE + " is missing; the operator"
          + " recreates it.";
      case "FailedDiscoveryCheck" -> discoveryHint(DiscoveryFailure.of(owned.message()), spec, service);
      default -> "kube-apiserver does not report APIService " + Names.API_SERVICE + " as available.";
    };
    String status = FALSE.equals(owned.available()) ? FALSE : UNKNOWN;
    return new Verdict(API_SERVICE_AVAILABLE, status, reason, hint + reported);
  }

  /** What the operator's own objects make of a failed discovery check. */
  private static String discoveryHint(DiscoveryFailure failure, MetricsPipelineSpec spec, String service) {
    String namespace = spec.getNamespace();
    return switch (failure) {
      case UNTRUSTED_CERTIFICATE -> "kube-apiserver does not trust the certificate the aggregator at " + service
          + " presented. The operator writes the APIService's caBundle and the certificate in Secret " + namespace
          + "/" + Names.SERVING_SECRET + " from the CA in Secret " + namespace + "/" + Names.CA_SECRET + ": check"
          + " that nothing else writes either (a GitOps tool, cert-manager's CA injector).";
      case UNAUTHORIZED, FORBIDDEN -> "The aggregator at " + service + " refused kube-apiserver's discovery"
          + " request: " + failure.explanation + ".";
      case CONNECTION_REFUSED, UNREACHABLE, OTHER -> "kube-apiserver cannot reach or verify the aggregator at " + service
          + (spec.getHostNetwork()
              ? ": let the control plane reach the nodes on port " + spec.getSecurePort() + " (spec.hostNetwork is"
                  + " true: firewalls, security groups)"
              : ": let the control plane reach pods on port " + spec.getSecurePort() + " (NetworkPolicies, firewalls,"
                  + " security groups; with a CNI whose pod network the control plane cannot route, set"
                  + " spec.hostNetwork: true)")
          + " and check that the APIService's caBundle is the one in Secret " + namespace + "/"
          + Names.SERVING_SECRET + ".";
    };
  }

  private static Verdict certificates(Optional<Instant> notAfter, Instant now, String namespace) {
    if (notAfter.isEmpty()) {
      return new Verdict(CERTIFICATES_VALID, UNKNOWN, "NotIssued", "The serving certificate is being issued.");
    }
    if (!now.isBefore(notAfter.get())) {
      return new Verdict(CERTIFICATES_VALID, FALSE, "CertificateExpired", "The serving certificate in Secret "
          + namespace + "/" + Names.SERVING_SECRET + " expired at " + notAfter.get() + ". The operator renews it"
          + " ahead of expiry, so it could not write that Secret: check the operator's log and its permissions"
          + " on Secrets in " + namespace + ".");
    }
    return new Verdict(CERTIFICATES_VALID, TRUE, "Valid", "The serving certificate is valid until "
        + notAfter.get() + " and is renewed before then.");
  }

  /** Why pods do not run, when the Deployment or a pod says so. */
  private static Optional<Verdict> workloadProblem(Workload workload, String namespace) {
    if (!workload.deadlineExceeded() && workload.podProblem().isEmpty()) {
      return Optional.empty();
    }
    StringBuilder message = new StringBuilder();
    if (workload.deadlineExceeded()) {
      message.append("The rollout of Deployment ").append(namespace).append('/').append(Names.DEPLOYMENT)
          .append(" exceeded its progress deadline (").append(workload.ready()).append(" of ")
          .append(workload.desired()).append(" pods ready).");
      if (workload.desired() >= 2) {
        message.append(" Each replica needs a schedulable node of its own.");
      }
    }
    workload.podProblem().ifPresent(problem -> message.append(message.length() > 0 ? " " : "")
        .append("Aggregator pod: ").append(problem).append('.'));
    message.append(" See kubectl -n ").append(namespace).append(" describe pods -l ")
        .append(Names.NAME_LABEL).append('=').append(Names.AGGREGATOR).append('.');
    String reason = workload.deadlineExceeded() ? "ProgressDeadlineExceeded" : "AggregatorNotRunning";
    return Optional.of(new Verdict(READY, FALSE, reason, message.toString()));
  }

  /** A condition before it is stamped with a generation and a transition time. */
  private record Verdict(String type, String status, String reason, String message) {

    Verdict as(String otherType, String otherStatus) {
      return new Verdict(otherType, otherStatus, reason, message);
    }

    Condition condition(Long generation, String now, List<Condition> previous) {
      String since = previous.stream()
          .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()) && reason.equals(c.getReason()))
          .map(Condition::getLastTransitionTime)
          .filter(Objects::nonNull)
          .findFirst()
          .orElse(now);
      return new ConditionBuilder()
          .withType(type)
          .withStatus(status)
          .withReason(reason)
          .withMessage(message)
          .withObservedGeneration(generation)
          .withLastTransitionTime(since)
          .build();
    }
  }
}
