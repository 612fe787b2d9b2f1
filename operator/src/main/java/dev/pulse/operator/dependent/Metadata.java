package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Metadata of managed objects: a name, a namespace unless cluster-scoped, the common labels. */
final class Metadata {

  private Metadata() {}

  static ObjectMeta clusterScoped(MetricsPipeline pipeline, String name, Component component) {
    return new ObjectMetaBuilder().withName(name).withLabels(Names.labels(pipeline, component)).build();
  }

  static ObjectMeta namespaced(MetricsPipeline pipeline, String namespace, String name, Component component) {
    return new ObjectMetaBuilder(clusterScoped(pipeline, name, component)).withNamespace(namespace).build();
  }

  /** In the namespace the pipeline runs in. */
  static ObjectMeta namespaced(MetricsPipeline pipeline, String name, Component component) {
    return namespaced(pipeline, pipeline.getSpec().getNamespace(), name, component);
  }
}
