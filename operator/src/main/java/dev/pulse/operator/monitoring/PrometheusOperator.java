package dev.pulse.operator.monitoring;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.TreeMap;

/** The Prometheus Operator's API as the operator uses it: group, kinds, and the objects' metadata. */
public final class PrometheusOperator {

  public static final String GROUP = Names.MONITORING_GROUP;
  public static final String VERSION = Names.MONITORING_VERSION;
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** A kind of monitoring.coreos.com/v1 the operator writes. */
  public enum Kind {
    SERVICE_MONITOR("ServiceMonitor", "servicemonitors", Names.SERVICE_MONITOR),
    PROMETHEUS_RULE("PrometheusRule", "prometheusrules", Names.PROMETHEUS_RULE);

    public final String kind;
    public final String plural;
    /** The one object of this kind per pipeline, in spec.namespace. */
    public final String objectName;

    Kind(String kind, String plural, String objectName) {
      this.kind = kind;
      this.plural = plural;
      this.objectName = objectName;
    }

    /** Named fully, so fabric8 needs no discovery request to find the plural and the scope. */
    public ResourceDefinitionContext context() {
      return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
          .withPlural(plural).withNamespaced(true).build();
    }
  }

  private PrometheusOperator() {}

  /**
   * The user's labels (for their Prometheus' selectors) under the operator's, and an owner reference
   * so that the garbage collector removes the object with the pipeline, as it does every other.
   */
  static ObjectMeta metadata(MetricsPipeline pipeline, Kind kind, Map<String, String> userLabels) {
    Map<String, String> labels = new TreeMap<>();
    if (userLabels != null) {
      labels.putAll(userLabels);
    }
    labels.putAll(Names.labels(pipeline, Component.MONITORING));
    return new ObjectMetaBuilder()
        .withName(kind.objectName)
        .withNamespace(pipeline.getSpec().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(HasMetadata.getApiVersion(MetricsPipeline.class))
            .withKind(HasMetadata.getKind(MetricsPipeline.class))
            .withName(pipeline.getMetadata().getName())
            .withUid(pipeline.getMetadata().getUid())
            .withController(true)
            .build())
        .build();
  }
}
