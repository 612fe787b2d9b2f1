package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;
import java.util.Objects;

/** The PrometheusRule with the aggregator's alerts. */
public final class PrometheusRuleSpec {

  @Default("false")
  @JsonPropertyDescription("Create the PrometheusRule pulse-metrics in spec.namespace. Default: false.")
  private Boolean enabled;

  @Size(max = MetricsPipelineSpec.MAX_METADATA_ENTRIES)
  @ValidationRule(value = "self.all(k, " + MetricsPipelineSpec.VALID_KEY + ")",
      message = "monitoring.prometheusRule.labels: every key must be a label key (an optional DNS subdomain"
          + " prefix of at most 253 characters and '/', then at most 63 alphanumerics, '-', '_' or '.',"
          + " alphanumeric at both ends)")
  @JsonPropertyDescription("Labels of the PrometheusRule, for the ruleSelector of your Prometheus"
      + " (kube-prometheus-stack selects release: <its release name>). Default: none.")
  private Map<String, @Size(max = 63) @Pattern(ApiPatterns.LABEL_VALUE) String> labels;

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
}
