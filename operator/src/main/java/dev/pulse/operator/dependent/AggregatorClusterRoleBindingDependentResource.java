package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Grants {@link AggregatorClusterRoleDependentResource} to the aggregator's ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class AggregatorClusterRoleBindingDependentResource extends CRUDKubernetesDependentResource<ClusterRoleBinding, MetricsPipeline> {

  @Override
  protected ClusterRoleBinding desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  public static ClusterRoleBinding desired(MetricsPipeline pipeline) {
    return new ClusterRoleBindingBuilder()
        .withMetadata(Metadata.clusterScoped(pipeline, Names.AGGREGATOR_CLUSTER_ROLE_BINDING, Component.AGGREGATOR))
        .withRoleRef(Rbac.clusterRole(Names.AGGREGATOR_CLUSTER_ROLE))
        .withSubjects(Rbac.aggregatorServiceAccount(pipeline))
        .build();
  }
}
