package dev.pulse.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.AutoSizeSpec;
import dev.pulse.operator.api.AutoSizeStatus;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineStatus;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.model.AutoSize;
import dev.pulse.operator.status.ApiServiceState.Absent;
import dev.pulse.operator.status.ApiServiceState.Foreign;
import dev.pulse.operator.status.ApiServiceState.HandingOver;
import dev.pulse.operator.status.ApiServiceState.Owned;
import dev.pulse.operator.testing.Pipelines;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Optional<Instant> CERT_VALID = Optional.of(NOW.plus(Duration.ofDays(300)));
  private static final Workload RUNNING = new Workload(1, 1, 1, 1, false, Optional.empty());
  private static final ApiServiceState AVAILABLE = new Owned("True", "Passed", "all checks passed");
  private static final Optional<Map<String, String>> AUTHENTICATION =
      Optional.of(AggregationLayerTest.authentication(AggregationLayerTest.FRONT_PROXY_CA, AggregationLayerTest.CLIENT_CA));

  @Test
  void allWellMeansReady() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    pipeline.getMetadata().setGeneration(7L);
    MetricsPipelineStatus status = aggregate(pipeline, RUNNING, AVAILABLE, CERT_VALID);

    assertCondition(status, "Ready", "True", "MetricsAvailable");
    assertCondition(status, "Progressing", "False", "Reconciled");
    assertCondition(status, "Degraded", "False", "AsExpected");
    assertCondition(status, "APIServiceAvailable", "True", "Passed");
    assertCondition(status, "CertificatesValid", "True", "Valid");
    assertCondition(status, "AggregationLayerConfigured", "True", "RequestHeaderCAConfigured");
    assertThat(status.getObservedGeneration()).isEqualTo(7L);
    assertThat(status.getConditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(7L);
      assertThat(c.getLastTransitionTime()).isEqualTo("2026-03-01T12:00:00Z");
      assertThat(c.getMessage()).isNotBlank();
    });
    assertThat(status.getReadyReplicas()).isEqualTo(1);
    assertThat(status.getApiServiceAvailable()).isTrue();
    assertThat(status.getCertificateNotAfter()).isEqualTo(CERT_VALID.get().toString());
  }

  @Test
  void aForeignApiServiceNamesItsOwnerAndTheWayOut() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(), RUNNING,
        new Foreign("Service kube-system/metrics-server, managed by Helm"), CERT_VALID);
    Condition ready = assertCondition(status, "Ready", "False", "APIServiceConflict");
    assertThat(ready.getMessage()).contains("kube-system/metrics-server", "spec.apiService.takeover", "Always");
    assertCondition(status, "Degraded", "True", "APIServiceConflict");
    assertCondition(status, "APIServiceAvailable", "False", "APIServiceConflict");
    assertThat(status.getApiServiceAvailable()).isFalse();
  }

  @Test
  void aTakeoverWaitsForAReadyAggregatorWithoutCallingItDegraded() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(), RUNNING,
        new HandingOver("Service kube-system/metrics-server"), CERT_VALID);
    Condition ready = assertCondition(status, "Ready", "False", "TakeoverPending");
    assertThat(ready.getMessage()).contains("still sends metrics.k8s.io to Service kube-system/metrics-server");
    assertCondition(status, "Progressing", "True", "RegisteringAPIService");
    assertCondition(status, "Degraded", "False", "AsExpected");
    assertCondition(status, "APIServiceAvailable", "Unknown", "TakeoverPending");
    assertThat(status.getApiServiceAvailable()).isFalse();
  }

  @Test
  void aPipelineOutsideTheOperatorsNamespacesSaysWhichItMayUse() {
    MetricsPipelineStatus status = StatusAggregator.outsideNamespaces(
        Pipelines.pipeline(spec -> spec.setNamespace("monitoring")), AggregatorNamespaces.of("pulse-system"), NOW);
    Condition ready = assertCondition(status, "Ready", "False", "NamespaceNotManaged");
    assertThat(ready.getMessage()).contains("spec.namespace monitoring", "PULSE_AGGREGATOR_NAMESPACES: pulse-system");
    assertCondition(status, "Degraded", "True", "NamespaceNotManaged");
    assertThat(status.getReadyReplicas()).isZero();
    assertThat(status.getPodSecurity()).as("no pods, no level").isNull();
    assertThat(status.getNodes()).isNull();
  }

  @Test
  void aSecondPipelineStaysInactive() {
    MetricsPipelineStatus status = StatusAggregator.aggregate(Pipelines.pipeline(),
        new Observations(Workload.notCreated(1), new Absent(), Optional.empty(), Optional.of("first"),
            Optional.empty(), Optional.empty()), NOW);
    Condition ready = assertCondition(status, "Ready", "False", "AnotherPipelineActive");
    assertThat(ready.getMessage()).contains("MetricsPipeline first", "Delete one");
    assertCondition(status, "Degraded", "True", "AnotherPipelineActive");
    assertCondition(status, "Progressing", "False", "AnotherPipelineActive");
  }

  @Test
  void aFreshPipelineIsProgressingNotDegraded() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(), Workload.notCreated(1), new Absent(), Optional.empty());
    assertCondition(status, "Ready", "False", "AggregatorStarting");
    assertCondition(status, "Progressing", "True", "RollingOut");
    assertCondition(status, "Degraded", "False", "AsExpected");
    assertCondition(status, "APIServiceAvailable", "Unknown", "NotRegistered");
    assertCondition(status, "CertificatesValid", "Unknown", "NotIssued");
    assertThat(status.getCertificateNotAfter()).isNull();
  }

  @Test
  void aRolloutIsProgressingAndStillReadyWhileOnePodServes() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(spec -> spec.setReplicas(2)),
        new Workload(2, 1, 1, 1, false, Optional.empty()), AVAILABLE, CERT_VALID);
    assertCondition(status, "Ready", "True", "MetricsAvailable");
    Condition progressing = assertCondition(status, "Progressing", "True", "RollingOut");
    assertThat(progressing.getMessage()).contains("1 of 2");
    assertCondition(status, "Degraded", "False", "AsExpected");
  }

  @Test
  void aNewPodThatDoesNotStartKeepsTheRolloutProgressingBesideTheOldOne() {
    // One replica, surge first: the new pod exists (updated) but the old one still serves.
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(),
        new Workload(1, 1, 1, 2, false, Optional.empty()), AVAILABLE, CERT_VALID);
    assertCondition(status, "Ready", "True", "MetricsAvailable");
    assertCondition(status, "Progressing", "True", "RollingOut");
  }

  @Test
  void anUnreachableAggregatorPointsAtTheNetwork() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(), RUNNING,
        new Owned("False", "FailedDiscoveryCheck", "failing or missing response from https://10.0.0.1:10250"),
        CERT_VALID);
    Condition ready = assertCondition(status, "Ready", "False", "APIServiceUnavailable");
    assertThat(ready.getMessage()).contains("10250", "NetworkPolicies", "pulse-metrics.pulse-system.svc:443",
        "failing or missing response");
    assertCondition(status, "Degraded", "True", "APIServiceUnavailable");
    assertCondition(status, "APIServiceAvailable", "False", "FailedDiscoveryCheck");
  }

  @Test
  void anUnreachableAggregatorOnTheHostNetworkPointsAtTheNodesPort() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(spec -> spec.setHostNetwork(true)), RUNNING,
        new Owned("False", "FailedDiscoveryCheck", "failing or missing response"), CERT_VALID);
    Condition ready = assertCondition(status, "Ready", "False", "APIServiceUnavailable");
    assertThat(ready.getMessage()).contains("nodes on port 4443", "spec.hostNetwork is true")
        .doesNotContain("10250");
  }

  @Test
  void thePodSecurityLevelIsExplained() {
    assertThat(aggregate(Pipelines.pipeline(), RUNNING, AVAILABLE, CERT_VALID).getPodSecurity())
        .startsWith("restricted:").contains("pod-security.kubernetes.io/enforce=restricted");
    assertThat(aggregate(Pipelines.pipeline(spec -> spec.setHostNetwork(true)), RUNNING, AVAILABLE, CERT_VALID)
        .getPodSecurity())
        .startsWith("privileged: spec.hostNetwork is true")
        .contains("baseline", "pod-security.kubernetes.io/enforce=privileged",
            "pod-security.kubernetes.io/audit stays restricted", "pulse-system");
    assertThat(StatusAggregator.aggregate(Pipelines.pipeline(spec -> spec.setHostNetwork(true)),
        new Observations(Workload.notCreated(1), new Absent(), Optional.empty(), Optional.of("first"),
            Optional.empty(), Optional.empty()), NOW).getPodSecurity()).as("an inactive pipeline runs nothing").isNull();
  }

  @Test
  void anExpiredCertificateSaysWhereToLook() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(), RUNNING, AVAILABLE,
        Optional.of(NOW.minusSeconds(1)));
    Condition ready = assertCondition(status, "Ready", "False", "CertificateExpired");
    assertThat(ready.getMessage()).contains("pulse-system/pulse-metrics-serving", "operator's log");
    assertCondition(status, "Degraded", "True", "CertificateExpired");
    assertCondition(status, "CertificatesValid", "False", "CertificateExpired");
  }

  @Test
  void aPodThatCannotStartIsDegradedAtOnce() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(),
        new Workload(1, 0, 1, 1, false, Optional.of("ImagePullBackOff: registry.local/pulse:dev not found")),
        new Owned("False", "MissingEndpoints", "endpoints for service/pulse-metrics have no addresses"), CERT_VALID);
    Condition ready = assertCondition(status, "Ready", "False", "AggregatorNotRunning");
    assertThat(ready.getMessage()).contains("ImagePullBackOff", "kubectl -n pulse-system describe pods");
    assertCondition(status, "Degraded", "True", "AggregatorNotRunning");
    assertCondition(status, "Progressing", "True", "RollingOut");
  }

  @Test
  void aStuckHighlyAvailableRolloutMentionsNodes() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(spec -> spec.setReplicas(3)),
        new Workload(3, 2, 3, 3, true, Optional.empty()), AVAILABLE, CERT_VALID);
    Condition progressing = assertCondition(status, "Progressing", "False", "ProgressDeadlineExceeded");
    assertThat(progressing.getMessage()).contains("2 of 3", "node of its own");
    assertCondition(status, "Degraded", "True", "ProgressDeadlineExceeded");
    assertCondition(status, "Ready", "True", "MetricsAvailable");
  }

  @Test
  void transitionTimesMoveOnlyWhenStatusOrReasonDoes() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.setReplicas(2));
    pipeline.setStatus(aggregate(pipeline, new Workload(2, 1, 2, 2, false, Optional.empty()), AVAILABLE, CERT_VALID));
    Instant later = NOW.plus(Duration.ofMinutes(5));

    MetricsPipelineStatus next = StatusAggregator.aggregate(pipeline,
        new Observations(new Workload(2, 2, 2, 2, false, Optional.empty()), AVAILABLE, CERT_VALID, Optional.empty(),
            Optional.empty(), AUTHENTICATION),
        later);

    // Ready stayed True/MetricsAvailable though its message changed ("2 of 2").
    assertThat(condition(next, "Ready").getLastTransitionTime()).isEqualTo(NOW.toString());
    assertThat(condition(next, "Ready").getMessage()).contains("2 of 2");
    // Progressing went from True to False.
    assertThat(condition(next, "Progressing").getLastTransitionTime()).isEqualTo(later.toString());
  }

  @Test
  void everyNodeScrapedIsNodesScrapedWithItsCountInTheNodesColumn() {
    MetricsPipelineStatus status = withNodes(Pipelines.pipeline(),
        new NodeReport.Scrapes(3, 3, 0, Map.of(), List.of()));

    assertCondition(status, "NodesScraped", "True", "AllNodesScraped");
    assertCondition(status, "Degraded", "False", "AsExpected");
    assertThat(status.getNodes().getSummary()).isEqualTo("3/3");
    assertThat(status.getNodes().getFailing()).isEmpty();
  }

  @Test
  void failingNodesDegradeThePipelineButKeepItReady() {
    MetricsPipelineStatus status = withNodes(Pipelines.pipeline(), new NodeReport.Scrapes(5, 2, 3,
        Map.of("KubeletCertificateNameMismatch", 2, "KubeletTimeout", 1), List.of(
            new NodeReport.Failing("node-1", "KubeletCertificateNameMismatch", "the certificate \"CN=node-1\""
                + " (SANs: DNS:node-1) has no SAN for the address dialed 10.0.0.61 (the node's InternalIP address)",
                "2026-03-01T11:00:00Z"),
            new NodeReport.Failing("node-2", "KubeletTimeout", "no answer", "2026-03-01T11:30:00Z"),
            new NodeReport.Failing("node-3", "KubeletCertificateNameMismatch", "the same", "2026-03-01T11:40:00Z"))));

    assertCondition(status, "Ready", "True", "MetricsAvailable");
    Condition nodes = assertCondition(status, "NodesScraped", "False", "KubeletCertificateNameMismatch");
    assertThat(nodes.getMessage()).startsWith("3 of 5 nodes are not scraped. 2 nodes: the kubelet's serving"
            + " certificate has no SAN")
        .contains("kubelet.preferredAddressTypes", "serverTLSBootstrap", "SANs: DNS:node-1", "InternalIP address",
            "Other causes: 1 KubeletTimeout")
        .doesNotContain("Insecure");
    Condition degraded = assertCondition(status, "Degraded", "True", "KubeletCertificateNameMismatch");
    assertThat(degraded.getMessage()).isEqualTo(nodes.getMessage());
    assertThat(status.getNodes().getSummary()).isEqualTo("2/5");
    assertThat(status.getNodes().getFailingCount()).isEqualTo(3);
    assertThat(status.getNodes().getFailing()).extracting(f -> f.getName()).containsExactly("node-1", "node-2",
        "node-3");
  }

  @Test
  void eachCauseSaysItsFixWithoutTurningVerificationOff() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    assertThat(NodesScraped.explanation("KubeletForbidden", pipeline))
        .contains("system:serviceaccount:pulse-system:pulse-metrics", "nodes/metrics", "pulse:metrics-aggregator");
    assertThat(NodesScraped.explanation("KubeletUnauthorized", pipeline)).contains("webhook");
    assertThat(NodesScraped.explanation("KubeletCertificateUnknownAuthority", pipeline))
        .contains("serverTLSBootstrap", "kubelet.tls.mode CustomCA");
    assertThat(NodesScraped.explanation("KubeletNameNotResolved", pipeline)).contains("InternalIP");
    assertThat(NodesScraped.explanation("NodeMetricsIncomplete", pipeline))
        .contains("<unknown>", "cgroupDriver", "/proxy/metrics/resource");
    for (String cause : List.of("KubeletCertificateUnknownAuthority", "KubeletCertificateNameMismatch",
        "KubeletCertificateExpired", "KubeletTLSFailed", "KubeletUnauthorized", "KubeletForbidden", "KubeletHTTPError",
        "KubeletConnectionRefused", "KubeletNameNotResolved", "KubeletUnreachable", "KubeletTimeout",
        "NoUsableAddress", "KubeletMalformedResponse", "KubeletResponseTooLarge", "NodeMetricsIncomplete",
        "NodeNotReady", "SomethingNew")) {
      assertThat(NodesScraped.explanation(cause, pipeline)).as(cause).contains("Fix:").doesNotContain("Insecure");
    }
  }

  @Test
  void aChangeOfCauseIsOneWarningMoreNodesOfTheSameCauseNoneAndTheRepairOneRecovery() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    pipeline.setStatus(withNodes(pipeline, new NodeReport.Scrapes(3, 3, 0, Map.of(), List.of())));
    MetricsPipelineStatus oneRefused = withNodes(pipeline, new NodeReport.Scrapes(3, 2, 1,
        Map.of("KubeletConnectionRefused", 1), List.of(
            new NodeReport.Failing("node-1", "KubeletConnectionRefused", "refused", "2026-03-01T11:00:00Z"))));
    assertThat(Transitions.between(pipeline.getStatus(), oneRefused)).extracting(Transitions.Note::reason)
        .containsExactly("KubeletConnectionRefused");

    pipeline.setStatus(oneRefused);
    MetricsPipelineStatus twoRefused = withNodes(pipeline, new NodeReport.Scrapes(3, 1, 2,
        Map.of("KubeletConnectionRefused", 2), List.of(
            new NodeReport.Failing("node-1", "KubeletConnectionRefused", "refused", "2026-03-01T11:00:00Z"),
            new NodeReport.Failing("node-2", "KubeletConnectionRefused", "refused", "2026-03-01T11:30:00Z"))));
    assertThat(twoRefused).as("written: the nodes changed").isNotEqualTo(oneRefused);
    assertThat(Transitions.between(oneRefused, twoRefused)).isEmpty();

    pipeline.setStatus(twoRefused);
    assertThat(Transitions.between(twoRefused, withNodes(pipeline, new NodeReport.Scrapes(3, 3, 0, Map.of(),
        List.of())))).extracting(Transitions.Note::reason).containsExactly("Recovered");
  }

  @Test
  void anUnreadableSummaryIsUnknownAndDegradesNothing() {
    MetricsPipelineStatus status = withNodes(Pipelines.pipeline(),
        new NodeReport.Unreadable("GET https://localhost:24443/pulse/v1/nodes answered 403: forbidden"));

    Condition nodes = assertCondition(status, "NodesScraped", "Unknown", "SummaryUnavailable");
    assertThat(nodes.getMessage()).contains("answered 403");
    assertCondition(status, "Degraded", "False", "AsExpected");
    assertThat(status.getNodes()).isNull();
  }

  @Test
  void anAggregationLayerThatIsNotEnabledIsWhyNothingWorks() {
    MetricsPipelineStatus status = StatusAggregator.aggregate(Pipelines.pipeline(), new Observations(RUNNING,
        new Owned("False", "FailedDiscoveryCheck", "failing or missing response"), CERT_VALID, Optional.empty(),
        Optional.empty(), Optional.of(Map.of("client-ca-file", AggregationLayerTest.CLIENT_CA))), NOW);

    Condition ready = assertCondition(status, "Ready", "False", "RequestHeaderCAMissing");
    assertThat(ready.getMessage()).contains("--requestheader-client-ca-file", "--proxy-client-cert-file");
    assertCondition(status, "Degraded", "True", "RequestHeaderCAMissing");
    assertCondition(status, "AggregationLayerConfigured", "False", "RequestHeaderCAMissing");
  }

  @Test
  void aFrontProxyCaThatIsTheClientCaDegradesAReadyPipeline() {
    MetricsPipelineStatus status = StatusAggregator.aggregate(Pipelines.pipeline(), new Observations(RUNNING,
        AVAILABLE, CERT_VALID, Optional.empty(), Optional.empty(), Optional.of(AggregationLayerTest.authentication(
            AggregationLayerTest.CLIENT_CA, AggregationLayerTest.CLIENT_CA))), NOW);

    assertCondition(status, "Ready", "True", "MetricsAvailable");
    Condition degraded = assertCondition(status, "Degraded", "True", "RequestHeaderCAIsClientCA");
    assertThat(degraded.getMessage()).contains("system:masters", "front-proxy-ca");
  }

  @Test
  void anAggregationLayerNotSeenYetChangesNothing() {
    MetricsPipelineStatus status = StatusAggregator.aggregate(Pipelines.pipeline(), new Observations(RUNNING,
        AVAILABLE, CERT_VALID, Optional.empty(), Optional.empty(), Optional.empty()), NOW);
    assertCondition(status, "Ready", "True", "MetricsAvailable");
    assertCondition(status, "Degraded", "False", "AsExpected");
    assertCondition(status, "AggregationLayerConfigured", "Unknown", "NotObserved");
  }

  @Test
  void aDiscoveryCheckThatFailsOnTrustPointsAtTheCaBundleNotTheNetwork() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(), RUNNING, new Owned("False", "FailedDiscoveryCheck",
        "failing or missing response from https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1: Get"
            + " \"https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1\": tls: failed to verify certificate: x509:"
            + " certificate signed by unknown authority"), CERT_VALID);
    Condition available = assertCondition(status, "APIServiceAvailable", "False", "FailedDiscoveryCheck");
    assertThat(available.getMessage()).contains("does not trust the certificate", "caBundle",
        "pulse-system/pulse-metrics-ca", "x509: certificate signed by unknown authority")
        .doesNotContain("NetworkPolicies");
  }

  @Test
  void aDiscoveryCheckRefusedWithA401PointsAtTheFrontProxyCertificate() {
    MetricsPipelineStatus status = aggregate(Pipelines.pipeline(), RUNNING, new Owned("False", "FailedDiscoveryCheck",
        "failing or missing response from https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1: bad status from"
            + " https://10.96.0.12:443/apis/metrics.k8s.io/v1beta1: 401"), CERT_VALID);
    Condition available = assertCondition(status, "APIServiceAvailable", "False", "FailedDiscoveryCheck");
    assertThat(available.getMessage()).contains("401", "--proxy-client-cert-file", "--requestheader-allowed-names");
  }

  @Test
  void monitoringIsReportedOnlyWhenAskedFor() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    assertThat(aggregate(pipeline, RUNNING, AVAILABLE, CERT_VALID).getConditions())
        .noneMatch(c -> c.getType().equals("MonitoringConfigured"));

    MetricsPipelineStatus missing = withMonitoring(pipeline,
        new MonitoringState.CrdsMissing(List.of("ServiceMonitor", "PrometheusRule")));
    Condition condition = assertCondition(missing, "MonitoringConfigured", "False", "CRDsMissing");
    assertThat(condition.getMessage()).contains("ServiceMonitor and PrometheusRule", "monitoring.coreos.com/v1",
        "install the Prometheus Operator's CRDs");
    // Metrics are served all the same: nothing else depends on the Prometheus Operator.
    assertCondition(missing, "Ready", "True", "MetricsAvailable");
    assertCondition(missing, "Degraded", "False", "AsExpected");
    assertThat(StatusAggregator.reportsMonitoring(missing)).isTrue();

    MetricsPipelineStatus configured = withMonitoring(pipeline,
        new MonitoringState.Configured(List.of("ServiceMonitor pulse-system/pulse-metrics")));
    assertThat(assertCondition(configured, "MonitoringConfigured", "True", "Configured").getMessage())
        .contains("ServiceMonitor pulse-system/pulse-metrics", "spec.monitoring.serviceMonitor.labels");

    MetricsPipelineStatus failed = withMonitoring(pipeline, new MonitoringState.Failed("403 forbidden"));
    assertThat(assertCondition(failed, "MonitoringConfigured", "False", "MonitoringFailed").getMessage())
        .contains("403 forbidden", "servicemonitors and prometheusrules", "pulse-system");
    assertThat(StatusAggregator.reportsMonitoring(aggregate(pipeline, RUNNING, AVAILABLE, CERT_VALID))).isFalse();
  }

  @Test
  void autoSizeSaysWhatItAppliedAndWhatWaits() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.getAutoSize().setEnabled(true));
    AutoSizeSpec spec = pipeline.getSpec().getAutoSize();
    Instant since = NOW.minusSeconds(20);
    AutoSizeStatus sized = withAutoSize(pipeline, new AutoSize.Decision(Optional.of(200),
        Optional.of(AutoSize.resources(spec, 200)), Optional.of(1000), Optional.of(since), false)).getAutoSize();
    assertThat(sized.getNodes()).isEqualTo(200);
    assertThat(sized.getResources()).isEqualTo(AutoSize.resources(spec, 200));
    assertThat(sized.getPendingNodes()).isEqualTo(1000);
    assertThat(sized.getPendingSince()).isEqualTo(since.toString());
    assertThat(sized.getMessage()).contains("Sized for 200 nodes: requests cpu 60m, memory 224Mi; memory limit 314Mi",
        "1000 nodes since " + since, "follows at " + since.plus(AutoSize.STABILIZATION));

    assertThat(withAutoSize(pipeline, new AutoSize.Decision(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), true)).getAutoSize().getMessage()).contains("spec.resources is set and wins");
    assertThat(withAutoSize(pipeline, new AutoSize.Decision(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), false)).getAutoSize().getMessage()).contains("first node count");
    assertThat(aggregate(Pipelines.pipeline(), RUNNING, AVAILABLE, CERT_VALID).getAutoSize()).isNull();
  }

  @Test
  void anUnchangedSituationYieldsAnEqualStatus() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    pipeline.setStatus(aggregate(pipeline, RUNNING, AVAILABLE, CERT_VALID));
    MetricsPipelineStatus again = StatusAggregator.aggregate(pipeline,
        new Observations(RUNNING, AVAILABLE, CERT_VALID, Optional.empty(), Optional.empty(), AUTHENTICATION),
        NOW.plus(Duration.ofHours(1)));
    assertThat(again).isEqualTo(pipeline.getStatus());
  }

  private static MetricsPipelineStatus aggregate(MetricsPipeline pipeline, Workload workload, ApiServiceState api,
      Optional<Instant> certificateNotAfter) {
    return StatusAggregator.aggregate(pipeline, new Observations(workload, api, certificateNotAfter, Optional.empty(),
        Optional.empty(), AUTHENTICATION), NOW);
  }

  private static MetricsPipelineStatus withMonitoring(MetricsPipeline pipeline, MonitoringState monitoring) {
    return StatusAggregator.aggregate(pipeline, new Observations(RUNNING, AVAILABLE, CERT_VALID, Optional.empty(),
        Optional.empty(), AUTHENTICATION, monitoring, Optional.empty()), NOW);
  }

  private static MetricsPipelineStatus withAutoSize(MetricsPipeline pipeline, AutoSize.Decision decision) {
    return StatusAggregator.aggregate(pipeline, new Observations(RUNNING, AVAILABLE, CERT_VALID, Optional.empty(),
        Optional.empty(), AUTHENTICATION, new MonitoringState.NotRequested(), Optional.of(decision)), NOW);
  }

  private static MetricsPipelineStatus withNodes(MetricsPipeline pipeline, NodeReport report) {
    return StatusAggregator.aggregate(pipeline, new Observations(RUNNING, AVAILABLE, CERT_VALID, Optional.empty(),
        Optional.of(report), AUTHENTICATION), NOW);
  }

  private static Condition assertCondition(MetricsPipelineStatus status, String type, String value, String reason) {
    Condition condition = condition(status, type);
    assertThat(condition.getStatus()).as(type + " status").isEqualTo(value);
    assertThat(condition.getReason()).as(type + " reason").isEqualTo(reason);
    return condition;
  }

  private static Condition condition(MetricsPipelineStatus status, String type) {
    return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }
}
