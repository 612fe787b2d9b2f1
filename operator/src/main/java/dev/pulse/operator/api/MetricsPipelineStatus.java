package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed; {@code dev.pulse.operator.status.StatusAggregator} computes it. */
public final class MetricsPipelineStatus {

  @JsonPropertyDescription("The metadata.generation this status describes; older than the current"
      + " generation while a change has not been reconciled yet.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, Progressing, Degraded, APIServiceAvailable, CertificatesValid,"
      + " NodesScraped and AggregationLayerConfigured, and MonitoringConfigured while spec.monitoring asks for"
      + " something (False, CRDsMissing, when the Prometheus Operator's CRDs are not installed); the reason and"
      + " message of a False condition say what is wrong and how to fix it.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Aggregator pods ready to serve.")
  private Integer readyReplicas;

  @JsonPropertyDescription("Whether kube-apiserver reports the APIService v1beta1.metrics.k8s.io as"
      + " Available, i.e. it reaches and trusts the aggregator.")
  private Boolean apiServiceAvailable;

  @JsonPropertyDescription("Expiry of the current serving certificate (RFC 3339).")
  private String certificateNotAfter;

  @JsonPropertyDescription("The Pod Security level the aggregator's pods need and why: restricted, or"
      + " privileged with hostNetwork, and which namespace label the operator sets for it.")
  private String podSecurity;

  @JsonPropertyDescription("The kubelets the aggregator scrapes and those it cannot, as it last reported;"
      + " absent until the operator has read the aggregator's node summary.")
  private NodesStatus nodes;

  @JsonPropertyDescription("What spec.autoSize decided: the node count the aggregator's resources were computed"
      + " for, those resources, and a pending change; absent unless spec.autoSize.enabled.")
  private AutoSizeStatus autoSize;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Boolean getApiServiceAvailable() {
    return apiServiceAvailable;
  }

  public void setApiServiceAvailable(Boolean apiServiceAvailable) {
    this.apiServiceAvailable = apiServiceAvailable;
  }

  public String getCertificateNotAfter() {
    return certificateNotAfter;
  }

  public void setCertificateNotAfter(String certificateNotAfter) {
    this.certificateNotAfter = certificateNotAfter;
  }

  public String getPodSecurity() {
    return podSecurity;
  }

  public void setPodSecurity(String podSecurity) {
    this.podSecurity = podSecurity;
  }

  public NodesStatus getNodes() {
    return nodes;
  }

  public void setNodes(NodesStatus nodes) {
    this.nodes = nodes;
  }

  public AutoSizeStatus getAutoSize() {
    return autoSize;
  }

  public void setAutoSize(AutoSizeStatus autoSize) {
    this.autoSize = autoSize;
  }

  /** Equal statuses need no patch. */
  @Override
  public boolean equals(Object o) {
    return o instanceof MetricsPipelineStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(readyReplicas, other.readyReplicas)
        && Objects.equals(apiServiceAvailable, other.apiServiceAvailable)
        && Objects.equals(certificateNotAfter, other.certificateNotAfter)
        && Objects.equals(podSecurity, other.podSecurity)
        && Objects.equals(nodes, other.nodes)
        && Objects.equals(autoSize, other.autoSize);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, readyReplicas, apiServiceAvailable, certificateNotAfter,
        podSecurity, nodes, autoSize);
  }
}
