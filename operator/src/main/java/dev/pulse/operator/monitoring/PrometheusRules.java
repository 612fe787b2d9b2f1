package dev.pulse.operator.monitoring;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Durations;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.monitoring.PrometheusOperator.Kind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregator's alerts. Its own series are selected by the job and namespace the ServiceMonitor
 * gives them (the Prometheus Operator names the job after the Service); the API's availability is
 * kube-apiserver's own series, from its aggregation layer.
 */
public final class PrometheusRules {

  static final String GROUP_NAME = "pulse-metrics";
  /** Long enough for a scrape cycle and a restart, short enough to matter before an HPA notices. */
  static final Duration MIN_WINDOW = Duration.ofMinutes(5);

  /** One alert: name, PromQL expression, how long it must hold, severity, and what to do. */
  record Alert(String name, String expr, String holdFor, String severity, String summary, String description) {

    Map<String, Object> rule() {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("alert", name);
      rule.put("expr", expr);
      rule.put("for", holdFor);
      rule.put("labels", Map.of("severity", severity));
      rule.put("annotations", Map.of("summary", summary, "description", description));
      return rule;
    }
  }

  private PrometheusRules() {}

  public static GenericKubernetesResource desired(MetricsPipeline pipeline) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(PrometheusOperator.API_VERSION)
        .withKind(Kind.PROMETHEUS_RULE.kind)
        .withMetadata(PrometheusOperator.metadata(pipeline, Kind.PROMETHEUS_RULE,
            pipeline.getSpec().getMonitoring().getPrometheusRule().getLabels()))
        .addToAdditionalProperties("spec", Map.of("groups", List.of(Map.of(
            "name", GROUP_NAME,
            "rules", alerts(pipeline).stream().map(Alert::rule).toList()))))
        .build();
  }

  static List<Alert> alerts(MetricsPipeline pipeline) {
    String namespace = pipeline.getSpec().getNamespace();
    String own = "job=\"" + Names.SERVICE + "\", namespace=\"" + namespace + "\"";
    // A window that holds several cycles whatever the resolution, so one slow cycle is not "stale".
    Duration resolution = Durations.parse(pipeline.getSpec().getMetricResolution());
    long windowSeconds = Math.max(MIN_WINDOW.toSeconds(), resolution.multipliedBy(4).toSeconds());
    String mp = "kubectl get metricspipeline " + pipeline.getMetadata().getName();
    return List.of(
        new Alert("PulseAggregatorDown", "up{" + own + "} == 0", "5m", "warning",
            "Prometheus cannot scrape the Pulse aggregator {{ $labels.namespace }}/{{ $labels.pod }}.",
            "Scraping /metrics fails. A 401 or 403: Prometheus' identity needs get on the non-resource URL"
                + " /metrics. A certificate error: the ServiceMonitor verifies against the ca.crt of Secret "
                + namespace + "/" + Names.SERVING_SECRET + ". Otherwise the pod does not answer: " + mp + "."),
        new Alert("PulseKubeletScrapesFailing",
            "max by (namespace, pod) (pulse_scrape_nodes{" + own + ", result=\"failed\"}) > 0", "15m", "warning",
            "The Pulse aggregator cannot scrape {{ $value }} kubelets.",
            "kubectl top and autoscalers see no metrics for those nodes and their pods. The NodesScraped"
                + " condition names the cause and the fix: " + mp + " -o yaml."),
        new Alert("PulseMetricsStale",
            "max by (namespace, pod) (increase(pulse_scrape_cycle_duration_seconds_count{" + own + "}["
                + windowSeconds + "s])) == 0"
                + " or (sum by (namespace, pod) (pulse_scrape_nodes{" + own + ", result=\"succeeded\"}) == 0"
                + " and sum by (namespace, pod) (pulse_scrape_nodes{" + own + ", result=\"failed\"}) > 0)",
            "5m", "critical",
            "The Pulse aggregator {{ $labels.namespace }}/{{ $labels.pod }} serves stale metrics.",
            "No scrape cycle ended in " + windowSeconds + "s, or no kubelet was scraped in the last one: the"
                + " metrics.k8s.io API answers with old usage or none, and autoscalers stop scaling. " + mp + "."),
        new Alert("PulseMetricsAPIUnavailable",
            "max by (name) (aggregator_unavailable_apiservice{name=\"" + Names.API_SERVICE + "\"}) == 1", "5m",
            "critical",
            "kube-apiserver reports APIService " + Names.API_SERVICE + " unavailable.",
            "kubectl top, HorizontalPodAutoscalers and VerticalPodAutoscalers get no resource metrics. The"
                + " APIServiceAvailable condition says why: " + mp + " -o yaml."));
  }
}
