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

/**
 * Binds the built-in {@code system:auth-delegator} (TokenReview and SubjectAccessReview create):
 * the aggregator asks kube-apiserver who a bearer token belongs to and whether that user may read
 * metrics.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class AuthDelegatorClusterRoleBindingDependentResource extends CRUDKubernetesDependentResource<ClusterRoleBinding, MetricsPipeline> {

  @Override
  protected ClusterRoleBinding desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  public static ClusterRoleBinding desired(MetricsPipeline pipeline) {
    return new ClusterRoleBindingBuilder()
        .withMetadata(
            Metadata.clusterScoped(pipeline, Names.AUTH_DELEGATOR_CLUSTER_ROLE_BINDING, Component.AGGREGATOR))
        .withRoleRef(Rbac.clusterRole(Names.AUTH_DELEGATOR_CLUSTER_ROLE))
        .withSubjects(Rbac.aggregatorServiceAccount(pipeline))
        .build();
  }
}
