package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Optional;

/**
 * The namespace the aggregator runs in, enforcing the restricted Pod Security Standard the
 * aggregator's pods are built to meet.
 *
 * <p>Only a namespace the operator creates may be owned by it: adopting an existing one (say
 * {@code kube-system}) would relabel it and delete it with the pipeline. So this dependent is
 * create-only: an existing namespace is used as it is, and none is deleted with the pipeline (it
 * may hold what others put there).
 */
public final class NamespaceDependentResource extends KubernetesDependentResource<Namespace, MetricsPipeline>
    implements Creator<Namespace, MetricsPipeline> {

  static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
  static final String POD_SECURITY_AUDIT = "pod-security.kubernetes.io/audit";
  static final String POD_SECURITY_WARN = "pod-security.kubernetes.io/warn";
  static final String RESTRICTED = "restricted";

  public NamespaceDependentResource() {
    super(Namespace.class);
  }

  @Override
  protected Namespace desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  /**
   * By name: JOSDK finds secondaries through owner references or its own annotations, which a
   * namespace created by someone else lacks; without this the workflow would try to create it.
   */
  @Override
  public Optional<Namespace> getSecondaryResource(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return eventSource().flatMap(namespaces -> namespaces.get(new ResourceID(pipeline.getSpec().getNamespace())));
  }

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
