package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;

/**
 * Binds the built-in {@code system:auth-delegator} (TokenReview and SubjectAccessReview create):
 * the aggregator asks kube-apiserver who a bearer token belongs to and whether that user may read
 * metrics.
 */
public final class AuthDelegatorClusterRoleBindingDependentResource {

  private AuthDelegatorClusterRoleBindingDependentResource() {}

  public static ClusterRoleBinding desired(MetricsPipeline pipeline) {
    return new ClusterRoleBindingBuilder()
        .withMetadata(
            Metadata.clusterScoped(pipeline, Names.AUTH_DELEGATOR_CLUSTER_ROLE_BINDING, Component.AGGREGATOR))
        .withRoleRef(Rbac.clusterRole(Names.AUTH_DELEGATOR_CLUSTER_ROLE))
        .withSubjects(Rbac.aggregatorServiceAccount(pipeline))
        .build();
  }
}
