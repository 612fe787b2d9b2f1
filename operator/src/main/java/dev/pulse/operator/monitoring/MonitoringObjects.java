package dev.pulse.operator.monitoring;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MonitoringSpec;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.monitoring.PrometheusOperator.Kind;
import dev.pulse.operator.status.MonitoringState;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the ServiceMonitor and PrometheusRule that spec.monitoring asks for and removes those it
 * no longer asks for, where kube-apiserver serves their kinds. Not JOSDK dependents: an informer of a
 * kind whose CRD is missing would keep the operator from starting, and the CRDs may come later;
 * discovery per reconcile sees them when they do. Reads and writes go to kube-apiserver (no cache),
 * only for a pipeline that asks for monitoring or last reported it.
 */
public final class MonitoringObjects {

  private MonitoringObjects() {}

  /**
   * @param reported whether the pipeline's status last reported monitoring, so objects may exist
   *     that a changed spec no longer asks for
   */
  public static MonitoringState reconcile(KubernetesClient client, MetricsPipeline pipeline, boolean reported) {
    MonitoringSpec spec = pipeline.getSpec().getMonitoring();
    if (!spec.requested() && !reported) {
      return new MonitoringState.NotRequested();
    }
    try {
      Set<String> served = servedKinds(client);
      List<String> missing = new ArrayList<>();
      List<String> configured = new ArrayList<>();
      for (Kind kind : Kind.values()) {
        boolean wanted = wanted(spec, kind);
        if (!served.contains(kind.kind)) {
          if (wanted) {
            missing.add(kind.kind);
          }
          continue;
        }
        Resource<GenericKubernetesResource> existing = client.genericKubernetesResources(kind.context())
            .inNamespace(pipeline.getSpec().getNamespace()).withName(kind.objectName);
        GenericKubernetesResource actual = existing.get();
        if (wanted && actual != null && !ours(actual)) {
          return new MonitoringState.Failed(kind.kind + " " + pipeline.getSpec().getNamespace() + "/"
              + kind.objectName + " exists and was not created by " + Names.MANAGED_BY + " (no label "
              + Names.MANAGED_SELECTOR + "): delete or rename it, and the operator creates its own.");
        }
        if (wanted) {
          apply(client, kind, actual, desired(pipeline, kind));
          configured.add(kind.kind + " " + pipeline.getSpec().getNamespace() + "/" + kind.objectName);
        } else if (actual != null && ours(actual)) {
          existing.delete();
        }
      }
      if (!missing.isEmpty()) {
        return new MonitoringState.CrdsMissing(missing);
      }
      return spec.requested() ? new MonitoringState.Configured(configured) : new MonitoringState.NotRequested();
    } catch (KubernetesClientException e) {
      return new MonitoringState.Failed(e.getCode() + " " + Objects.requireNonNullElse(e.getStatus() != null
          ? e.getStatus().getMessage() : null, String.valueOf(e.getMessage())));
    }
  }

  static boolean wanted(MonitoringSpec spec, Kind kind) {
    return switch (kind) {
      case SERVICE_MONITOR -> spec.getServiceMonitor().getEnabled();
      case PROMETHEUS_RULE -> spec.getPrometheusRule().getEnabled();
    };
  }

  static GenericKubernetesResource desired(MetricsPipeline pipeline, Kind kind) {
    return switch (kind) {
      case SERVICE_MONITOR -> ServiceMonitors.desired(pipeline);
      case PROMETHEUS_RULE -> PrometheusRules.desired(pipeline);
    };
  }

  /** The kinds of monitoring.coreos.com/v1 kube-apiserver serves; none when the group is unknown. */
  private static Set<String> servedKinds(KubernetesClient client) {
    APIResourceList resources;
    try {
      resources = client.getApiResources(PrometheusOperator.API_VERSION);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Set.of();
      }
      throw e;
    }
    return Optional.ofNullable(resources).map(APIResourceList::getResources).orElse(List.of()).stream()
        .map(APIResource::getKind).collect(Collectors.toSet());
  }

  /** Created, or replaced when what the operator sets differs; annotations others added are kept. */
  private static void apply(KubernetesClient client, Kind kind, GenericKubernetesResource actual,
      GenericKubernetesResource desired) {
    if (actual == null) {
      client.genericKubernetesResources(kind.context()).resource(desired).create();
    } else if (!upToDate(actual, desired)) {
      desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
      desired.getMetadata().setAnnotations(actual.getMetadata().getAnnotations());
      client.genericKubernetesResources(kind.context()).resource(desired).update();
    }
  }

  /** What the operator sets: the spec, the labels and the owner. */
  static boolean upToDate(GenericKubernetesResource actual, GenericKubernetesResource desired) {
    return Objects.equals(actual.getAdditionalProperties().get("spec"), desired.getAdditionalProperties().get("spec"))
        && Objects.equals(actual.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && Objects.equals(actual.getMetadata().getOwnerReferences(), desired.getMetadata().getOwnerReferences());
  }

  private static boolean ours(GenericKubernetesResource actual) {
    Map<String, String> labels = actual.getMetadata().getLabels();
    return labels != null && Names.MANAGED_BY.equals(labels.get(Names.MANAGED_BY_LABEL));
  }
}
