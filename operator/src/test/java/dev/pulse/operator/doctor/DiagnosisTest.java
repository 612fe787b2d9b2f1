package dev.pulse.operator.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.FailingNode;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineStatus;
import dev.pulse.operator.api.NodesStatus;
import dev.pulse.operator.doctor.Check.Result;
import dev.pulse.operator.doctor.Reading.Absent;
import dev.pulse.operator.doctor.Reading.Failed;
import dev.pulse.operator.doctor.Reading.Forbidden;
import dev.pulse.operator.doctor.Reading.Found;
import dev.pulse.operator.testing.Pipelines;
import dev.pulse.operator.tls.CertificateAuthority;
import dev.pulse.operator.tls.Pem;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosisTest {

  static final String SERVER = "https://127.0.0.1:6443";
  static final String FRONT_PROXY_CA = ca();
  static final String CLIENT_CA = ca();
  static final Map<String, String> AUTHENTICATION = Map.of("client-ca-file", CLIENT_CA,
      "requestheader-client-ca-file", FRONT_PROXY_CA, "requestheader-allowed-names", "[\"front-proxy-client\"]");
  static final String FORBIDDEN = "apiservices.apiregistration.k8s.io \"v1beta1.metrics.k8s.io\" is forbidden: User"
      + " \"viewer\" cannot get resource \"apiservices\"";

  /** Pulse installed, Ready, every node scraped: what {@code make up} gives. */
  static Findings healthyPulse() {
    return new Findings(SERVER, new Found<>("{}"), new Found<>(pulseApiService("True", "Passed", "all checks passed")),
        new Found<>(AUTHENTICATION), new Found<>(List.of(pipeline(true, null))),
        new Found<>(List.of(node("kwok-node-0", true), node("kwok-node-1", true))), new Found<>(2));
  }

  @Test
  void aHealthyPulseIsAllPassAndTopShouldWork() {
    List<Check> checks = Diagnosis.checks(healthyPulse());
    assertThat(checks).extracting(Check::id).containsExactly("cluster", "apiservice", "apiservice-available",
        "aggregation-layer", "pipeline", "nodes-scraped", "nodes", "node-metrics");
    assertThat(checks).allSatisfy(c -> assertThat(c.result()).as(c.id()).isEqualTo(Result.PASS));
    assertThat(result(checks, "apiservice").summary())
        .contains("served by Pulse (MetricsPipeline pulse, Service pulse-system/pulse-metrics)");
    assertThat(result(checks, "node-metrics").summary()).contains("metrics of 2 nodes");
    assertThat(Diagnosis.topShouldWork(checks)).isTrue();
  }

  @Test
  void noMetricsServerAtAllSaysWhatToInstall() {
    Findings nothing = new Findings(SERVER, new Found<>("{}"), new Absent<>(), new Found<>(AUTHENTICATION),
        new Absent<>(), new Found<>(List.of(node("a", true))), new Absent<>());
    List<Check> checks = Diagnosis.checks(nothing);
    Check apiService = result(checks, "apiservice");
    assertThat(apiService.result()).isEqualTo(Result.FAIL);
    assertThat(apiService.fix()).contains("kubectl apply -f config/install.yaml");
    assertThat(result(checks, "pipeline").result()).as("Pulse not installed is no failure").isEqualTo(Result.INFO);
    assertThat(result(checks, "node-metrics").summary()).contains("404");
    assertThat(Diagnosis.topShouldWork(checks)).isFalse();
    assertThat(Diagnosis.topWorksPartly(checks)).isFalse();
  }

  @Test
  void aMetricsServerWhoseServiceIsGoneIsNamedWithTheWayOut() {
    APIService stale = new APIServiceBuilder(pulseApiService("False", "ServiceNotFound",
        "service/metrics-server in \"kube-system\" is not present"))
        .editMetadata().withLabels(Map.of("k8s-app", "metrics-server")).endMetadata()
        .editSpec().editService().withNamespace("kube-system").withName("metrics-server").endService().endSpec()
        .build();
    List<Check> checks = Diagnosis.checks(new Findings(SERVER, new Found<>("{}"), new Found<>(stale),
        new Found<>(AUTHENTICATION), new Absent<>(), new Found<>(List.of(node("a", true))),
        new Failed<>("503 the server is currently unable to handle the request")));
    assertThat(result(checks, "apiservice").summary()).contains("metrics-server (Service kube-system/metrics-server)");
    Check available = result(checks, "apiservice-available");
    assertThat(available.result()).isEqualTo(Result.FAIL);
    assertThat(available.summary()).contains("Service kube-system/metrics-server does not exist", "ServiceNotFound");
    assertThat(available.fix()).contains("kubectl delete apiservice v1beta1.metrics.k8s.io");
    assertThat(result(checks, "node-metrics").summary()).contains("503");
    assertThat(Diagnosis.topShouldWork(checks)).isFalse();
  }

  @Test
  void aFailedDiscoveryCheckIsTranslated() {
    List<Check> checks = Diagnosis.checks(withApiService(pulseApiService("False", "FailedDiscoveryCheck",
        "failing or missing response from https://10.96.0.9:443/apis/metrics.k8s.io/v1beta1: Get"
            + " \"https://10.96.0.9:443/apis/metrics.k8s.io/v1beta1\": x509: certificate signed by unknown"
            + " authority")));
    Check available = result(checks, "apiservice-available");
    assertThat(available.result()).isEqualTo(Result.FAIL);
    assertThat(available.summary()).contains("does not trust the server's certificate", "x509");
    assertThat(available.fix()).contains("caBundle");
  }

  /** Pulse healthy but for one kubelet of three it cannot scrape; the other two nodes' metrics are served. */
  static Findings failingOneNode() {
    Findings healthy = healthyPulse();
    return new Findings(SERVER, healthy.version(), healthy.apiService(), healthy.authentication(),
        new Found<>(List.of(pipeline(false, new FailingNode("pulse-doctor-1", "KubeletConnectionRefused",
            "dial tcp 127.0.0.1:1: connect: connection refused", "2026-12-01T08:00:00Z")))),
        healthy.nodes(), healthy.nodeMetrics());
  }

  @Test
  void aPipelineFailingNodesFailsNamingTheCauseAndTheNodes() {
    List<Check> checks = Diagnosis.checks(failingOneNode());
    Check scraped = result(checks, "nodes-scraped");
    assertThat(scraped.result()).isEqualTo(Result.FAIL);
    assertThat(scraped.summary()).contains("(2 of 3 nodes)", "KubeletConnectionRefused", "nothing listens",
        "Failing: pulse-doctor-1", "kubectl get mp pulse");
    assertThat(Diagnosis.topShouldWork(checks)).as("kubectl top misses a node").isFalse();
    assertThat(Diagnosis.topWorksPartly(checks)).as("the other nodes are served").isTrue();
  }

  @Test
  void aViewerIsToldWhichChecksItCouldNotRun() {
    Findings viewer = new Findings(SERVER, new Found<>("{}"), new Forbidden<>(FORBIDDEN), new Found<>(AUTHENTICATION),
        new Forbidden<>("metricspipelines.pulse.dev is forbidden"), new Forbidden<>("nodes is forbidden"),
        new Found<>(3));
    List<Check> checks = Diagnosis.checks(viewer);
    assertThat(checks).filteredOn(c -> c.result() == Result.SKIPPED).extracting(Check::id)
        .containsExactly("apiservice", "apiservice-available", "pipeline", "nodes");
    assertThat(result(checks, "apiservice").summary()).contains("Not permitted", "cannot get resource");
    assertThat(result(checks, "apiservice").fix()).contains("get apiservices.apiregistration.k8s.io");
    assertThat(Diagnosis.topShouldWork(checks)).as("the live read says it works").isTrue();
  }

  @Test
  void theRequestHeaderCaIsJudgedAsInTheStatus() {
    Findings findings = healthyPulse();
    List<Check> missing = Diagnosis.checks(new Findings(SERVER, findings.version(), findings.apiService(),
        new Found<>(Map.of("client-ca-file", CLIENT_CA)), findings.pipelines(), findings.nodes(),
        findings.nodeMetrics()));
    assertThat(result(missing, "aggregation-layer").result()).isEqualTo(Result.FAIL);
    assertThat(result(missing, "aggregation-layer").summary()).contains("--requestheader-client-ca-file");

    List<Check> shared = Diagnosis.checks(new Findings(SERVER, findings.version(), findings.apiService(),
        new Found<>(Map.of("client-ca-file", CLIENT_CA, "requestheader-client-ca-file", CLIENT_CA)),
        findings.pipelines(), findings.nodes(), findings.nodeMetrics()));
    assertThat(result(shared, "aggregation-layer").result()).isEqualTo(Result.WARN);
    assertThat(Diagnosis.topShouldWork(shared)).as("dangerous, but kubectl top works").isTrue();
  }

  @Test
  void anUnreachableClusterIsOneFailure() {
    List<Check> checks = Diagnosis.checks(new Findings(SERVER, new Failed<>("java.net.ConnectException: Connection"
        + " refused"), new Absent<>(), new Absent<>(), new Absent<>(), new Absent<>(), new Absent<>()));
    assertThat(checks).singleElement().satisfies(c -> {
      assertThat(c.result()).isEqualTo(Result.FAIL);
      assertThat(c.summary()).contains(SERVER, "Connection refused");
      assertThat(c.fix()).contains("--kubeconfig", "--context");
    });
  }

  @Test
  void notReadyNodesAreAWarningUnlessNoneIsReady() {
    Findings findings = healthyPulse();
    List<Check> some = Diagnosis.checks(new Findings(SERVER, findings.version(), findings.apiService(),
        findings.authentication(), findings.pipelines(), new Found<>(List.of(node("a", true), node("b", false))),
        findings.nodeMetrics()));
    assertThat(result(some, "nodes").result()).isEqualTo(Result.WARN);
    assertThat(result(some, "nodes").summary()).contains("1 of 2", "not Ready: b");
    List<Check> none = Diagnosis.checks(new Findings(SERVER, findings.version(), findings.apiService(),
        findings.authentication(), findings.pipelines(), new Found<>(List.of(node("b", false))),
        new Found<>(0)));
    assertThat(result(none, "nodes").result()).isEqualTo(Result.FAIL);
    assertThat(result(none, "node-metrics").summary()).contains("metrics not available yet");
  }

  static Check result(List<Check> checks, String id) {
    return checks.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }

  private static Findings withApiService(APIService apiService) {
    Findings healthy = healthyPulse();
    return new Findings(SERVER, healthy.version(), new Found<>(apiService), healthy.authentication(),
        healthy.pipelines(), healthy.nodes(), new Failed<>("503 service unavailable"));
  }

  static APIService pulseApiService(String available, String reason, String message) {
    return new APIServiceBuilder()
        .withNewMetadata().withName("v1beta1.metrics.k8s.io")
        .withLabels(Map.of("app.kubernetes.io/managed-by", "pulse-operator", "app.kubernetes.io/instance", "pulse"))
        .endMetadata()
        .withNewSpec().withGroup("metrics.k8s.io").withVersion("v1beta1")
        .withNewService().withNamespace("pulse-system").withName("pulse-metrics").withPort(443).endService()
        .endSpec()
        .withNewStatus().addNewCondition().withType("Available").withStatus(available).withReason(reason)
        .withMessage(message).endCondition().endStatus()
        .build();
  }

  private static MetricsPipeline pipeline(boolean allScraped, FailingNode failing) {
    MetricsPipeline pipeline = Pipelines.pipeline();
    pipeline.getMetadata().setName("pulse");
    MetricsPipelineStatus status = new MetricsPipelineStatus();
    NodesStatus nodes = new NodesStatus();
    nodes.setSelected(allScraped ? 2 : 3);
    nodes.setScraped(2);
    nodes.setFailingCount(allScraped ? 0 : 1);
    nodes.setFailing(allScraped ? List.of() : List.of(failing));
    status.setNodes(nodes);
    status.setConditions(List.of(
        new ConditionBuilder().withType("Ready").withStatus("True").withReason("MetricsAvailable")
            .withMessage("metrics.k8s.io is served by 1 of 1 aggregator pods.").build(),
        allScraped
            ? new ConditionBuilder().withType("NodesScraped").withStatus("True").withReason("AllNodesScraped")
                .withMessage("Every selected node was scraped.").build()
            : new ConditionBuilder().withType("NodesScraped").withStatus("False")
                .withReason("KubeletConnectionRefused")
                .withMessage("1 of 3 nodes are not scraped. The kubelet refused the connection: nothing listens"
                    + " there.").build()));
    pipeline.setStatus(status);
    return pipeline;
  }

  private static Node node(String name, boolean ready) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus().build();
  }

  private static String ca() {
    return Pem.encode(CertificateAuthority.generate(Instant.now(), Duration.ofDays(1)).certificate());
  }
}
