package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;

/**
 * What the reconciler decides before the workflow runs and every dependent's {@code desired()}
 * reads: the certificates are issued once per reconcile, so the CA Secret, the APIService's
 * {@code caBundle}, the serving Secret and the Deployment's hash all describe the same ones.
 *
 * @param defaultImage the aggregator image used unless the spec names one
 * @param foreignApiService who holds {@code v1beta1.metrics.k8s.io} when the pipeline must leave it
 *     alone; empty when the pipeline may write it
 * @param localAggregator where kube-apiserver finds the aggregator in development mode; empty
 *     in a cluster
 * @param keepApiService the APIService is someone else's, to be replaced, but no aggregator is
 *     ready to serve yet: leave it as it is for now
 * @param autoSized the aggregator's resources as spec.autoSize computed them, when it applies
 */
public record ReconcileInputs(TlsMaterial tls, String defaultImage, Optional<String> foreignApiService,
    Optional<LocalAggregator> localAggregator, boolean keepApiService, Optional<ResourceRequirements> autoSized) {

  public void store(Context<MetricsPipeline> context) {
    context.managedWorkflowAndDependentResourceContext().put(ReconcileInputs.class, this);
  }

  static ReconcileInputs of(Context<MetricsPipeline> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(ReconcileInputs.class, ReconcileInputs.class);
  }
}
