package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.net.HttpURLConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(MetricsReaderClusterRoleDependentResource.class);

  @Override
  protected ClusterRole desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  /**
   * metrics-server's manifests install a role of this name, and a cluster that ran it may keep it;
   * creating ours then meets a conflict. The pipeline holds the APIService by now (this runs after
   * it), so it adopts the role: the same grant to the same roles, ours from now on, our labels and
   * rules.
   */
  @Override
  public ClusterRole create(ClusterRole desired, MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    try {
      return super.create(desired, pipeline, context);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      ClusterRole existing = context.getClient().rbac().clusterRoles().withName(Names.METRICS_READER_CLUSTER_ROLE).get();
      if (existing == null) {
        throw e;
      }
      ClusterRole adopted = new ClusterRoleBuilder(desired)
          .editMetadata().withResourceVersion(existing.getMetadata().getResourceVersion()).endMetadata()
          .build();
      if (!adopted.hasOwnerReferenceFor(pipeline)) {
        adopted.addOwnerReference(pipeline);
      }
      LOG.info("MetricsPipeline {}: adopted the existing ClusterRole {}", pipeline.getMetadata().getName(),
          Names.METRICS_READER_CLUSTER_ROLE);
      return context.getClient().resource(adopted).update();
    }
  }

  /**
   * The workflow deletes this role when the APIService turns out to be someone else's; a metrics
   * server installed since may rely on a role of this name, which grants the same. The role goes
   * with the pipeline, through its owner reference.
   */
  @Override
  public void delete(MetricsPipeline pipeline, Context<MetricsPipeline> context) {}

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
