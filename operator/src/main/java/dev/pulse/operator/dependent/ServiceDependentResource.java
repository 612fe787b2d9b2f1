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
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the APIService points kube-apiserver at: port 443 to the pods' named HTTPS port (the
 * spec's securePort, on the pod's or the node's network), or in
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
        .withMetadata(Metadata.namespaced(pipeline, Names.SERVICE, Component.AGGREGATOR))
        .editMetadata()
        .withAnnotations(annotations(pipeline))
        .endMetadata();
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

  /** The spec's annotations and the record of their keys. */
  static Map<String, String> annotations(MetricsPipeline pipeline) {
    Map<String, String> annotations = new TreeMap<>();
    Map<String, String> fromSpec = pipeline.getSpec().getServiceAnnotations();
    if (fromSpec != null) {
      annotations.putAll(fromSpec);
    }
    AppliedKeys.record(annotations, Names.SERVICE_ANNOTATIONS_ANNOTATION, fromSpec);
    return annotations;
  }

  /**
   * The generic matcher ignores annotations the live Service has and the desired one lacks: the
   * recorded keys tell when one was removed from the spec.
   */
  @Override
  public Matcher.Result<Service> match(Service actual, Service desired, MetricsPipeline pipeline,
      Context<MetricsPipeline> context) {
    if (!AppliedKeys.same(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations(),
        Names.SERVICE_ANNOTATIONS_ANNOTATION)) {
      return Matcher.Result.computed(false, desired);
    }
    return super.match(actual, desired, pipeline, context);
  }

  /** JOSDK's updater merges annotations into the live ones: those removed from the spec go first. */
  @Override
  public Service update(Service actual, Service desired, MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return super.update(withoutStaleAnnotations(actual, desired), desired, pipeline, context);
  }

  static Service withoutStaleAnnotations(Service actual, Service desired) {
    return new ServiceBuilder(actual).editMetadata()
        .withAnnotations(AppliedKeys.withoutStale(actual.getMetadata().getAnnotations(),
            desired.getMetadata().getAnnotations(), Names.SERVICE_ANNOTATIONS_ANNOTATION))
        .endMetadata().build();
  }

  /** The port kube-apiserver dials, which the APIService names. */
  static int port(Optional<LocalAggregator> local) {
    return local.map(LocalAggregator::port).orElse(PORT);
  }
}
