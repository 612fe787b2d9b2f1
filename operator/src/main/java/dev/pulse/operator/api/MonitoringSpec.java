package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * Objects for the Prometheus Operator (monitoring.coreos.com), created only where its CRDs are
 * installed; asked for without them, the pipeline says so in its MonitoringConfigured condition.
 */
public final class MonitoringSpec {

  @Default("{}")
  @JsonPropertyDescription("A ServiceMonitor that has Prometheus scrape the aggregator's own /metrics over"
      + " HTTPS, verifying its certificate against the pipeline's CA.")
  private ServiceMonitorSpec serviceMonitor = new ServiceMonitorSpec();

  @Default("{}")
  @JsonPropertyDescription("A PrometheusRule with alerts for an aggregator Prometheus cannot scrape, kubelets"
      + " the aggregator cannot scrape, stale metrics and an unavailable metrics.k8s.io API.")
  private PrometheusRuleSpec prometheusRule = new PrometheusRuleSpec();

  public ServiceMonitorSpec getServiceMonitor() {
    return serviceMonitor;
  }

  public void setServiceMonitor(ServiceMonitorSpec serviceMonitor) {
    this.serviceMonitor = serviceMonitor != null ? serviceMonitor : new ServiceMonitorSpec();
  }

  public PrometheusRuleSpec getPrometheusRule() {
    return prometheusRule;
  }

  public void setPrometheusRule(PrometheusRuleSpec prometheusRule) {
    this.prometheusRule = prometheusRule != null ? prometheusRule : new PrometheusRuleSpec();
  }

  /** Whether either object is asked for. */
  public boolean requested() {
    return serviceMonitor.getEnabled() || prometheusRule.getEnabled();
  }
}
