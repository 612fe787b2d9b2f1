package dev.pulse.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A resource-metrics pipeline: the aggregator that serves {@code metrics.k8s.io} (what
 * {@code kubectl top}, the HPA and the VPA read) and everything it needs to be trusted by
 * kube-apiserver. Cluster-scoped, because what it creates is: the APIService, the cluster roles
 * and the namespace it runs in.
 */
@Group(MetricsPipeline.GROUP)
@Version(MetricsPipeline.VERSION)
@ShortNames("mp")
// The generator orders columns by JSONPath: AGE always comes first, and the different quotes put
// READY before REASON.
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type=='Ready')].reason")
@AdditionalPrinterColumn(name = "Nodes", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.nodes.summary")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
// spec.namespace's own rule cannot fire when the old object had no spec at all: then the namespace
// was the default, and must stay so.
@ValidationRule(value = "has(oldSelf.spec) || !has(self.spec) || !has(self.spec.namespace)"
    + " || self.spec.namespace == '" + MetricsPipelineSpec.DEFAULT_NAMESPACE + "'",
    message = MetricsPipelineSpec.NAMESPACE_IMMUTABLE,
    fieldPath = ".spec.namespace")
public final class MetricsPipeline extends CustomResource<MetricsPipelineSpec, MetricsPipelineStatus> {

  public static final String GROUP = "pulse.dev";
  public static final String VERSION = "v1alpha1";

  /** An empty spec is a complete one: every field has a default. */
  @Override
  protected MetricsPipelineSpec initSpec() {
    return new MetricsPipelineSpec();
  }
}
