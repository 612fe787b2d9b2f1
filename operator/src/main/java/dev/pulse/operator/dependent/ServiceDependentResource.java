package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** What the APIService points kube-apiserver at: port 443 to the pods' named HTTPS port. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class ServiceDependentResource extends CRUDKubernetesDependentResource<Service, MetricsPipeline> {

  public static final int PORT = 443;

  @Override
  protected Service desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  public static Service desired(MetricsPipeline pipeline) {
    return new ServiceBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.SERVICE, Component.AGGREGATOR))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Names.selector(pipeline))
        .addNewPort()
        .withName(DeploymentDependentResource.PORT_NAME)
        .withPort(PORT)
        .withTargetPort(new IntOrString(DeploymentDependentResource.PORT_NAME))
        .withProtocol("TCP")
        .withAppProtocol("https")
        .endPort()
        .endSpec()
        .build();
  }
}
