package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Keeps one aggregator serving through node drains; only when there are several. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class PodDisruptionBudgetDependentResource extends CRUDKubernetesDependentResource<PodDisruptionBudget, MetricsPipeline> {

  @Override
  protected PodDisruptionBudget desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  /**
   * With one replica a budget of one would block every drain of its node, so there is none; this
   * is the dependent's reconcile precondition (false deletes an existing budget).
   */
  public static boolean isNeeded(MetricsPipeline pipeline) {
    return pipeline.getSpec().getReplicas() >= 2;
  }

  /** {@link #isNeeded} as the workflow's reconcile precondition. */
  public static final class Needed implements Condition<PodDisruptionBudget, MetricsPipeline> {

    @Override
    public boolean isMet(DependentResource<PodDisruptionBudget, MetricsPipeline> budget, MetricsPipeline pipeline,
        Context<MetricsPipeline> context) {
      return isNeeded(pipeline);
    }
  }

  public static PodDisruptionBudget desired(MetricsPipeline pipeline) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.POD_DISRUPTION_BUDGET, Component.AGGREGATOR))
        .withNewSpec()
        .withMinAvailable(new IntOrString(1))
        .withNewSelector().withMatchLabels(Names.selector(pipeline)).endSelector()
        // A crash-looping replica does not count as available anyway; without this it would block
        // draining its node.
        .withUnhealthyPodEvictionPolicy("AlwaysAllow")
        .endSpec()
        .build();
  }
}
