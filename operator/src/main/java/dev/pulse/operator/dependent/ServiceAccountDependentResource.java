package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The aggregator's identity towards kube-apiserver and the kubelets. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class ServiceAccountDependentResource extends CRUDKubernetesDependentResource<ServiceAccount, MetricsPipeline> {

  @Override
  protected ServiceAccount desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  /** No token by default: only the aggregator pods, which ask for one, get it. */
  public static ServiceAccount desired(MetricsPipeline pipeline) {
    return new ServiceAccountBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.SERVICE_ACCOUNT, Component.AGGREGATOR))
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
