package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.Map;
import java.util.Objects;

/** The ServiceMonitor of the aggregator's Service. */
public final class ServiceMonitorSpec {

  @Default("false")
  @JsonPropertyDescription("Create the ServiceMonitor pulse-metrics in spec.namespace. Default: false.")
  private Boolean enabled;

  @Size(max = MetricsPipelineSpec.MAX_METADATA_ENTRIES)
  @ValidationRule(value = "self.all(k, " + MetricsPipelineSpec.VALID_KEY + ")",
      message = "monitoring.serviceMonitor.labels: every key must be a label key (an optional DNS subdomain"
          + " prefix of at most 253 characters and '/', then at most 63 alphanumerics, '-', '_' or '.',"
          + " alphanumeric at both ends)")
  @JsonPropertyDescription("Labels of the ServiceMonitor, for the serviceMonitorSelector of your Prometheus"
      + " (kube-prometheus-stack selects release: <its release name>). Default: none.")
  private Map<String, @Size(max = 63) @Pattern(ApiPatterns.LABEL_VALUE) String> labels;

  @ValidationRule(value = "has(self.name) && self.name != '' && has(self.key) && self.key != ''",
      message = "monitoring.serviceMonitor.bearerTokenSecret needs the name of a Secret in spec.namespace and the key"
          + " that holds the token")
  @JsonPropertyDescription("A Secret in spec.namespace with a bearer token Prometheus presents to the aggregator,"
      + " whose identity needs get on the non-resource URL /metrics. Default: none, and Prometheus presents its"
      + " own service account's token (bearerTokenFile), as kube-prometheus does for kube-apiserver and kubelets;"
      + " its ClusterRole there grants that get.")
  private SecretKeySelector bearerTokenSecret;

  public Boolean getEnabled() {
    return Objects.requireNonNullElse(enabled, false);
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public SecretKeySelector getBearerTokenSecret() {
    return bearerTokenSecret;
  }

  public void setBearerTokenSecret(SecretKeySelector bearerTokenSecret) {
    this.bearerTokenSecret = bearerTokenSecret;
  }
}
