package dev.pulse.operator.dependent;

import dev.pulse.operator.api.ApiServiceTakeover;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceReference;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Registers metrics.k8s.io/v1beta1 with the aggregation layer. kube-apiserver verifies the
 * aggregator against {@code caBundle}, so a proxy on the path cannot read or forge metrics.
 * {@code insecureSkipTLSVerify} (metrics-server's default) stays unset: kube-apiserver rejects it
 * next to a caBundle, and an explicit {@code false} is dropped on storage, so declaring it would
 * make the stored object differ from this one forever.
 */
public final class ApiServiceDependentResource extends CRUDKubernetesDependentResource<APIService, MetricsPipeline> {

  /** metrics-server's priorities: where metrics.k8s.io sorts in discovery. */
  static final int GROUP_PRIORITY_MINIMUM = 100;
  static final int VERSION_PRIORITY = 100;

  /**
   * While a replaced APIService is kept, the stored one is what is desired: the workflow goes on to
   * the serving Secret and the Deployment without writing it.
   */
  @Override
  protected APIService desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    ReconcileInputs inputs = ReconcileInputs.of(context);
    if (inputs.keepApiService()) {
      return new APIServiceBuilder(getSecondaryResource(pipeline, context).orElseThrow()).build();
    }
    return desired(pipeline, inputs.tls().caBundlePem(), inputs.localAggregator());
  }

  /**
   * By name, ours or not: JOSDK finds secondaries through owner references, which a foreign
   * APIService lacks; a takeover must update it, not fail creating it.
   */
  @Override
  public Optional<APIService> getSecondaryResource(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return eventSource().flatMap(apiServices -> apiServices.get(new ResourceID(Names.API_SERVICE)));
  }

  /**
   * Adopts a replaced APIService: a plain update keeps the stored metadata and adds the desired
   * labels to the stored ones, so without this the pipeline would write it without owning it, and
   * the previous owner's labels (e.g. {@code k8s-app: metrics-server}) would make its uninstall
   * by label delete ours.
   */
  @Override
  public APIService update(APIService actual, APIService desired, MetricsPipeline pipeline,
      Context<MetricsPipeline> context) {
    APIService adopted = new APIServiceBuilder(actual).build();
    if (!adopted.hasOwnerReferenceFor(pipeline)) {
      adopted.addOwnerReference(pipeline);
      adopted.getMetadata().setLabels(new HashMap<>(desired.getMetadata().getLabels()));
    }
    return super.update(adopted, desired, pipeline, context);
  }

  /**
   * The workflow deletes a dependent whose precondition fails, and {@link Claimable} fails exactly
   * when the APIService belongs to someone else, who keeps it. Ours goes with the pipeline, through
   * its owner reference.
   */
  @Override
  public void delete(MetricsPipeline pipeline, Context<MetricsPipeline> context) {}

  /** The reconcile precondition: the pipeline holds the APIService or may replace it. */
  public static final class Claimable implements Condition<APIService, MetricsPipeline> {

    @Override
    public boolean isMet(DependentResource<APIService, MetricsPipeline> apiService, MetricsPipeline pipeline,
        Context<MetricsPipeline> context) {
      return ReconcileInputs.of(context).foreignApiService().isEmpty();
    }
  }

  /**
   * @param caBundlePem the CAs kube-apiserver trusts for the aggregator, PEM
   * @param local where the aggregator runs in development mode
   */
  public static APIService desired(MetricsPipeline pipeline, String caBundlePem, Optional<LocalAggregator> local) {
    return new APIServiceBuilder()
        .withMetadata(Metadata.clusterScoped(pipeline, Names.API_SERVICE, Component.METRICS_API))
        .withNewSpec()
        .withGroup(Names.METRICS_GROUP)
        .withVersion(Names.METRICS_VERSION)
        .withGroupPriorityMinimum(GROUP_PRIORITY_MINIMUM)
        .withVersionPriority(VERSION_PRIORITY)
        .withNewService()
        .withNamespace(pipeline.getSpec().getNamespace())
        .withName(Names.SERVICE)
        .withPort(ServiceDependentResource.port(local))
        .endService()
        // []byte in Go, so base64 in JSON.
        .withCaBundle(Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.US_ASCII)))
        .endSpec()
        .build();
  }

  /**
   * Who holds {@code existing} instead of {@code pipeline}, in words for a condition message;
   * empty when {@code pipeline} does.
   */
  public static Optional<String> foreignOwner(APIService existing, MetricsPipeline pipeline) {
    Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels();
    if (Names.MANAGED_BY.equals(labels.get(Names.MANAGED_BY_LABEL))) {
      String instance = labels.get(Names.INSTANCE_LABEL);
      return pipeline.getMetadata().getName().equals(instance) ? Optional.empty()
          : Optional.of("MetricsPipeline " + instance);
    }
    ServiceReference service = existing.getSpec() == null ? null : existing.getSpec().getService();
    String served = service == null ? "kube-apiserver itself (no Service)"
        : "Service " + service.getNamespace() + "/" + service.getName();
    String manager = labels.get(Names.MANAGED_BY_LABEL);
    return Optional.of(served + (manager == null ? "" : ", managed by " + manager));
  }

  /**
   * Whether {@code policy} lets the pipeline replace a foreign {@code existing};
   * {@code serviceExists} tells whether the Service it points at exists.
   */
  public static boolean mayReplace(ApiServiceTakeover policy, APIService existing, boolean serviceExists) {
    return switch (policy) {
      case Never -> false;
      case IfOrphaned -> existing.getSpec() != null && existing.getSpec().getService() != null && !serviceExists;
      case Always -> true;
    };
  }
}
