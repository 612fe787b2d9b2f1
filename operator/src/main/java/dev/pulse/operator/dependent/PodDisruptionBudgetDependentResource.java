package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/** Keeps one aggregator serving through node drains; only when there are several. */
public final class PodDisruptionBudgetDependentResource {

  private PodDisruptionBudgetDependentResource() {}

  /**
   * With one replica a budget of one would block every drain of its node, so there is none; this
   * is the dependent's reconcile precondition (false deletes an existing budget).
   */
  public static boolean isNeeded(MetricsPipeline pipeline) {
    return pipeline.getSpec().getReplicas() >= 2;
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
