package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.model.PodSecurity;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The namespace the aggregator runs in, enforcing the least relaxed Pod Security level the
 * aggregator's pods meet: restricted, or privileged with host networking ({@link PodSecurity#level}).
 *
 * <p>Only a namespace the operator creates may be owned by it: adopting an existing one (say
 * {@code kube-system}) would relabel it and delete it with the pipeline. So an existing namespace
 * is used as it is, and none is deleted with the pipeline (it may hold what others put there). A
 * namespace this pipeline created is kept at the level its spec needs, and only its Pod Security
 * labels are compared.
 */
public final class NamespaceDependentResource extends KubernetesDependentResource<Namespace, MetricsPipeline>
    implements Creator<Namespace, MetricsPipeline>, Updater<Namespace, MetricsPipeline> {

  public NamespaceDependentResource() {
    super(Namespace.class);
  }

  @Override
  protected Namespace desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  /**
   * By name: JOSDK finds secondaries through owner references or its own annotations, which a
   * namespace created by someone else lacks; without this the workflow would try to create it.
   */
  @Override
  public Optional<Namespace> getSecondaryResource(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return eventSource().flatMap(namespaces -> namespaces.get(new ResourceID(pipeline.getSpec().getNamespace())));
  }

  @Override
  public Matcher.Result<Namespace> match(Namespace actual, MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    Namespace desired = desired(pipeline);
    return Matcher.Result.computed(matches(actual, pipeline), desired);
  }

  /** A namespace someone else created always matches: the operator never relabels it. */
  static boolean matches(Namespace actual, MetricsPipeline pipeline) {
    if (!createdBy(actual, pipeline)) {
      return true;
    }
    Map<String, String> labels = actual.getMetadata().getLabels();
    return PodSecurity.namespaceLabels(pipeline.getSpec().getHostNetwork()).entrySet().stream()
        .allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
  }

  static boolean createdBy(Namespace namespace, MetricsPipeline pipeline) {
    Map<String, String> labels = Objects.requireNonNullElse(namespace.getMetadata().getLabels(), Map.of());
    return Names.MANAGED_BY.equals(labels.get(Names.MANAGED_BY_LABEL))
        && pipeline.getMetadata().getName().equals(labels.get(Names.INSTANCE_LABEL));
  }

  public static Namespace desired(MetricsPipeline pipeline) {
    return new NamespaceBuilder()
        .withMetadata(Metadata.clusterScoped(pipeline, pipeline.getSpec().getNamespace(), Component.NAMESPACE))
        .editMetadata()
        .addToLabels(PodSecurity.namespaceLabels(pipeline.getSpec().getHostNetwork()))
        .endMetadata()
        .build();
  }
}
