package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * What the aggregator reads, and nothing more. metrics-server's {@code system:metrics-server}
 * also grants {@code get} on nodes and pods; the aggregator only runs informers (list and watch)
 * on them. TokenReview and SubjectAccessReview come from {@code system:auth-delegator}
 * ({@link AuthDelegatorClusterRoleBindingDependentResource}), not from here.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class AggregatorClusterRoleDependentResource extends CRUDKubernetesDependentResource<ClusterRole, MetricsPipeline> {

  @Override
  protected ClusterRole desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  public static ClusterRole desired(MetricsPipeline pipeline) {
    return new ClusterRoleBuilder()
        .withMetadata(Metadata.clusterScoped(pipeline, Names.AGGREGATOR_CLUSTER_ROLE, Component.AGGREGATOR))
        // The kubelet authorizes GET /metrics/resource as the nodes/metrics subresource.
        .addToRules(new PolicyRuleBuilder()
            .withApiGroups("").withResources("nodes/metrics").withVerbs("get").build())
        .addToRules(new PolicyRuleBuilder()
            .withApiGroups("").withResources("nodes", "pods").withVerbs("list", "watch").build())
        .build();
  }
}
