package dev.pulse.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.metrics.scrape.Scraper;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.testing.Pipelines;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ServiceMonitor and PrometheusRule as pure functions of the pipeline. */
class PrometheusObjectsTest {

  /** A series selector: a metric name followed by its label matchers. */
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
  /** Series that are not the aggregator's: Prometheus' own target health, kube-apiserver's aggregation layer. */
  private static final Set<String> OTHERS = Set.of("up", "aggregator_unavailable_apiservice");

  @Test
  void theServiceMonitorVerifiesTheAggregatorAgainstThePipelinesCa() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> {
      spec.setNamespace("monitoring");
      spec.getMonitoring().getServiceMonitor().setEnabled(true);
      spec.getMonitoring().getServiceMonitor().setLabels(Map.of("release", "prometheus",
          "app.kubernetes.io/managed-by", "someone-else"));
    });
    GenericKubernetesResource monitor = ServiceMonitors.desired(pipeline);

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    assertThat(monitor.getMetadata().getName()).isEqualTo("pulse-metrics");
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus")
        .as("the operator's labels win").containsEntry("app.kubernetes.io/managed-by", "pulse-operator")
        .containsEntry("app.kubernetes.io/component", "monitoring");
    OwnerReference owner = monitor.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getKind()).isEqualTo("MetricsPipeline");
    assertThat(owner.getUid()).isEqualTo("uid-1");
    assertThat(owner.getController()).isTrue();

    Map<String, Object> spec = spec(monitor);
    assertThat(spec.get("selector")).isEqualTo(Map.of("matchLabels", Map.of("app.kubernetes.io/name", "pulse-metrics",
        "app.kubernetes.io/instance", "cluster", "app.kubernetes.io/component", "aggregator")));
    assertThat(spec.get("namespaceSelector")).isEqualTo(Map.of("matchNames", List.of("monitoring")));
    Map<?, ?> endpoint = (Map<?, ?>) ((List<?>) spec.get("endpoints")).get(0);
    assertThat(endpoint.get("port")).isEqualTo("https");
    assertThat(endpoint.get("scheme")).isEqualTo("https");
    assertThat(endpoint.get("path")).isEqualTo("/metrics");
    assertThat(endpoint.get("bearerTokenFile")).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
    assertThat(endpoint.get("tlsConfig")).isEqualTo(Map.of(
        "ca", Map.of("secret", Map.of("name", "pulse-metrics-serving", "key", "ca.crt")),
        "serverName", "pulse-metrics.monitoring.svc"));
    assertThat(endpoint.toString()).doesNotContain("insecureSkipVerify");
  }

  @Test
  void aTokenSecretReplacesPrometheusOwnToken() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec ->
        spec.getMonitoring().getServiceMonitor().setBearerTokenSecret(new SecretKeySelector("token", "scraper", null)));
    Map<?, ?> endpoint = (Map<?, ?>) ((List<?>) spec(ServiceMonitors.desired(pipeline)).get("endpoints")).get(0);
    assertThat(endpoint.get("authorization")).isEqualTo(Map.of("type", "Bearer",
        "credentials", Map.of("name", "scraper", "key", "token")));
    assertThat(endpoint.containsKey("bearerTokenFile")).isFalse();
  }

  @Test
  void theRuleAlertsOnFailingScrapesAStaleAndAnUnavailableApi() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.getMonitoring().getPrometheusRule()
        .setLabels(Map.of("release", "prometheus")));
    GenericKubernetesResource rule = PrometheusRules.desired(pipeline);

    assertThat(rule.getKind()).isEqualTo("PrometheusRule");
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");
    List<?> groups = (List<?>) spec(rule).get("groups");
    List<?> rules = (List<?>) ((Map<?, ?>) groups.get(0)).get("rules");
    assertThat(rules.stream().map(r -> (String) ((Map<?, ?>) r).get("alert")).toList()).containsExactly("PulseAggregatorDown",
        "PulseKubeletScrapesFailing", "PulseMetricsStale", "PulseMetricsAPIUnavailable");
    assertThat(rules).allSatisfy(r -> {
      Map<?, ?> alert = (Map<?, ?>) r;
      assertThat((String) alert.get("for")).matches("[0-9]+m");
      assertThat(((Map<?, ?>) alert.get("labels")).get("severity")).isIn("warning", "critical");
      assertThat(((Map<?, ?>) alert.get("annotations")).keySet()).isEqualTo(Set.of("summary", "description"));
    });
    assertThat(PrometheusRules.alerts(pipeline)).filteredOn(a -> !a.name().equals("PulseMetricsAPIUnavailable"))
        .allSatisfy(a -> assertThat(a.expr()).contains("job=\"pulse-metrics\", namespace=\"pulse-system\""));
  }

  @Test
  void theStaleWindowHoldsSeveralCyclesOfASlowResolution() {
    assertThat(stale(Pipelines.pipeline()).expr()).contains("[300s]");
    assertThat(stale(Pipelines.pipeline(spec -> spec.setMetricResolution("2m"))).expr()).contains("[480s]");
  }

  /**
   * The expressions name series the aggregator exports: its meters registered as the aggregator
   * registers them, rendered as Prometheus reads them. (The e2e test reads them from a running one.)
   */
  @Test
  void theAlertsReferenceTheAggregatorsRealSeries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new Scraper(null, null, null, new MetricsStore(15_000, 3), null, null, Duration.ofSeconds(15), 4, registry);
    Set<String> exported = registry.scrape().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());

    Set<String> referenced = new TreeSet<>();
    PrometheusRules.alerts(Pipelines.pipeline()).forEach(alert -> {
      Matcher names = SELECTOR.matcher(alert.expr());
      while (names.find()) {
        referenced.add(names.group(1));
      }
    });
    assertThat(referenced).contains("pulse_scrape_nodes", "pulse_scrape_cycle_duration_seconds_count");
    assertThat(referenced).allSatisfy(name -> assertThat(exported.contains(name) || OTHERS.contains(name))
        .as(name + " is exported by the aggregator (" + exported + ") or is one of " + OTHERS).isTrue());
  }

  private static PrometheusRules.Alert stale(MetricsPipeline pipeline) {
    return PrometheusRules.alerts(pipeline).stream().filter(a -> a.name().equals("PulseMetricsStale")).findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }
}
