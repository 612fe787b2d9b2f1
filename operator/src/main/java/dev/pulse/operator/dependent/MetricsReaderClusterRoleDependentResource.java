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
 * Lets everyone with the built-in view, edit or admin role read metrics (aggregated into them by
 * label), as metrics-server's role of the same name does. metrics-server also grants
 * {@code watch}; the aggregator answers a watch with 405 MethodNotSupported, as metrics-server
 * does, so granting it would only allow a request that always fails.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class MetricsReaderClusterRoleDependentResource extends CRUDKubernetesDependentResource<ClusterRole, MetricsPipeline> {

  static final String AGGREGATE_TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";
  static final String AGGREGATE_TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
  static final String AGGREGATE_TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";

  @Override
  protected ClusterRole desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  public static ClusterRole desired(MetricsPipeline pipeline) {
    return new ClusterRoleBuilder()
        .withMetadata(Metadata.clusterScoped(pipeline, Names.METRICS_READER_CLUSTER_ROLE, Component.METRICS_API))
        .editMetadata()
        .addToLabels(AGGREGATE_TO_VIEW, "true")
        .addToLabels(AGGREGATE_TO_EDIT, "true")
        .addToLabels(AGGREGATE_TO_ADMIN, "true")
        .endMetadata()
        .addToRules(new PolicyRuleBuilder()
            .withApiGroups(Names.METRICS_GROUP).withResources("pods", "nodes").withVerbs("get", "list").build())
        .build();
  }
}
