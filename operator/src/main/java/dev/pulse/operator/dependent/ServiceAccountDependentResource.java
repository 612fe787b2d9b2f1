package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/** The aggregator's identity towards kube-apiserver and the kubelets. */
public final class ServiceAccountDependentResource {

  private ServiceAccountDependentResource() {}

  /** No token by default: only the aggregator pods, which ask for one, get it. */
  public static ServiceAccount desired(MetricsPipeline pipeline) {
    return new ServiceAccountBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.SERVICE_ACCOUNT, Component.AGGREGATOR))
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
