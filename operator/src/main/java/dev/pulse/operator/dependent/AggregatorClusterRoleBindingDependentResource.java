package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;

/** Grants {@link AggregatorClusterRoleDependentResource} to the aggregator's ServiceAccount. */
public final class AggregatorClusterRoleBindingDependentResource {

  private AggregatorClusterRoleBindingDependentResource() {}

  public static ClusterRoleBinding desired(MetricsPipeline pipeline) {
    return new ClusterRoleBindingBuilder()
        .withMetadata(Metadata.clusterScoped(pipeline, Names.AGGREGATOR_CLUSTER_ROLE_BINDING, Component.AGGREGATOR))
        .withRoleRef(Rbac.clusterRole(Names.AGGREGATOR_CLUSTER_ROLE))
        .withSubjects(Rbac.aggregatorServiceAccount(pipeline))
        .build();
  }
}
