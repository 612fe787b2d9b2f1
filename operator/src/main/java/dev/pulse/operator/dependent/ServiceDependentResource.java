package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/**
 * What the APIService points kube-apiserver at: port 443 to the pods' named HTTPS port, or in
 * development mode ({@link LocalAggregator}) the aggregator's host.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class ServiceDependentResource extends CRUDKubernetesDependentResource<Service, MetricsPipeline> {

  public static final int PORT = 443;

  @Override
  protected Service desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline, ReconcileInputs.of(context).localAggregator());
  }

  public static Service desired(MetricsPipeline pipeline, Optional<LocalAggregator> local) {
    ServiceBuilder service = new ServiceBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.SERVICE, Component.AGGREGATOR));
    if (local.isPresent()) {
      return service.withNewSpec()
          .withType("ExternalName")
          .withExternalName(local.get().host())
          .addNewPort()
          .withName(DeploymentDependentResource.PORT_NAME)
          .withPort(local.get().port())
          .withProtocol("TCP")
          .withAppProtocol("https")
          .endPort()
          .endSpec()
          .build();
    }
    return service.withNewSpec()
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

  /** The port kube-apiserver dials, which the APIService names. */
  static int port(Optional<LocalAggregator> local) {
    return local.map(LocalAggregator::port).orElse(PORT);
  }
}
