package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/**
 * The namespace the aggregator runs in, enforcing the restricted Pod Security Standard the
 * aggregator's pods are built to meet.
 *
 * <p>Only a namespace the operator creates may be owned by it: adopting an existing one (say
 * {@code kube-system}) would relabel it and delete it with the pipeline. So this dependent is
 * create-only: an existing namespace is used as it is.
 */
public final class NamespaceDependentResource {

  static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
  static final String POD_SECURITY_AUDIT = "pod-security.kubernetes.io/audit";
  static final String POD_SECURITY_WARN = "pod-security.kubernetes.io/warn";
  static final String RESTRICTED = "restricted";

  private NamespaceDependentResource() {}

  public static Namespace desired(MetricsPipeline pipeline) {
    return new NamespaceBuilder()
        .withMetadata(Metadata.clusterScoped(pipeline, pipeline.getSpec().getNamespace(), Component.NAMESPACE))
        .editMetadata()
        .addToLabels(POD_SECURITY_ENFORCE, RESTRICTED)
        .addToLabels(POD_SECURITY_AUDIT, RESTRICTED)
        .addToLabels(POD_SECURITY_WARN, RESTRICTED)
        .endMetadata()
        .build();
  }
}
