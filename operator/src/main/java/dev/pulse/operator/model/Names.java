package dev.pulse.operator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every name and label the operator gives to the objects it manages. The names are fixed rather
 * than derived from the MetricsPipeline's name: the APIService {@code v1beta1.metrics.k8s.io} and
 * the aggregated reader role exist once per cluster, so there is one active pipeline anyway, and
 * fixed names are what runbooks and {@code kubectl} habits refer to.
 */
public final class Names {

  /** ServiceAccount, Service, Deployment and PodDisruptionBudget of the aggregator. */
  public static final String AGGREGATOR = "pulse-metrics";
  public static final String SERVICE_ACCOUNT = AGGREGATOR;
  public static final String SERVICE = AGGREGATOR;
  public static final String DEPLOYMENT = AGGREGATOR;
  public static final String POD_DISRUPTION_BUDGET = AGGREGATOR;
  /** The Prometheus Operator's objects for the aggregator (spec.monitoring). */
  public static final String SERVICE_MONITOR = AGGREGATOR;
  public static final String PROMETHEUS_RULE = AGGREGATOR;
  /** The Prometheus Operator's API group and version, of the two kinds above. */
  public static final String MONITORING_GROUP = "monitoring.coreos.com";
  public static final String MONITORING_VERSION = "v1";
  /** The aggregator's only container. */
  public static final String CONTAINER = "aggregator";

  public static final String CA_SECRET = "pulse-metrics-ca";
  public static final String SERVING_SECRET = "pulse-metrics-serving";

  public static final String AGGREGATOR_CLUSTER_ROLE = "pulse:metrics-aggregator";
  public static final String AGGREGATOR_CLUSTER_ROLE_BINDING = "pulse:metrics-aggregator";
  public static final String AUTH_DELEGATOR_CLUSTER_ROLE_BINDING = "pulse:metrics-aggregator:auth-delegator";
  /** Same name as metrics-server's, so bindings and audits that name it keep working. */
  public static final String METRICS_READER_CLUSTER_ROLE = "system:aggregated-metrics-reader";
  /** Lives in {@link #KUBE_SYSTEM}, next to the Role it binds. */
  public static final String AUTH_READER_ROLE_BINDING = "pulse-metrics-auth-reader";

  public static final String API_SERVICE = "v1beta1.metrics.k8s.io";
  public static final String METRICS_GROUP = "metrics.k8s.io";
  public static final String METRICS_VERSION = "v1beta1";

  /** Built into Kubernetes: TokenReview and SubjectAccessReview create. */
  public static final String AUTH_DELEGATOR_CLUSTER_ROLE = "system:auth-delegator";
  /** Built into Kubernetes: reads the ConfigMap {@code kube-system/extension-apiserver-authentication}. */
  public static final String AUTH_READER_ROLE = "extension-apiserver-authentication-reader";
  public static final String KUBE_SYSTEM = "kube-system";
  /**
   * In {@link #KUBE_SYSTEM}: where kube-apiserver publishes the client CA and the request-header
   * (front-proxy) CA and names, which tell an aggregated API server whom to believe.
   */
  public static final String AUTHENTICATION_CONFIG_MAP = "extension-apiserver-authentication";

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "pulse-operator";
  /** Selects what the operator manages, so its informers do not cache every Secret in the cluster. */
  public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

  /**
   * The aggregator's node summary, which the operator reads into the status: a non-resource URL,
   * so the operator's ClusterRole grants {@code get} on exactly this path.
   */
  public static final String NODE_SUMMARY_PATH = "/pulse/v1/nodes";

  /** On the pod template: a new serving certificate changes it, which rolls the pods. */
  public static final String SERVING_CERT_HASH_ANNOTATION = "pulse.dev/serving-cert-hash";
  /** On the pod template: what {@code kubectl logs} and {@code exec} pick without {@code -c}. */
  public static final String DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";
  /** On the Deployment: the hash of the spec the operator wants, so that removals are updates too. */
  public static final String DESIRED_SPEC_HASH_ANNOTATION = "pulse.dev/desired-spec-hash";
  /**
   * On the Service: which annotations came from spec.serviceAnnotations, so that one removed from
   * the spec is removed from the Service while those others add stay.
   */
  public static final String SERVICE_ANNOTATIONS_ANNOTATION = "pulse.dev/service-annotations";
  /** Keys under this prefix are the operator's own; users' pod labels and annotations may not use it. */
  public static final String OPERATOR_KEY_PREFIX = "pulse.dev/";

  /** What an object is part of, the value of {@link #COMPONENT_LABEL}. */
  public enum Component {
    /** The namespace everything namespaced lives in. */
    NAMESPACE("namespace"),
    /** The workload, its identity, permissions, Service and disruption budget. */
    AGGREGATOR("aggregator"),
    /** What makes metrics.k8s.io reachable and readable: the APIService and the reader role. */
    METRICS_API("metrics-api"),
    /** The CA and the serving certificate. */
    CERTIFICATES("certificates"),
    /** The Prometheus Operator's ServiceMonitor and PrometheusRule. */
    MONITORING("monitoring");

    public final String value;

    Component(String value) {
      this.value = value;
    }
  }

  private Names() {}

  /**
   * The labels of every managed object; {@code pipeline} is the owning MetricsPipeline. Sorted, so
   * rendered manifests are stable.
   */
  public static Map<String, String> labels(HasMetadata pipeline, Component component) {
    return sorted(
        NAME_LABEL, AGGREGATOR,
        INSTANCE_LABEL, pipeline.getMetadata().getName(),
        MANAGED_BY_LABEL, MANAGED_BY,
        COMPONENT_LABEL, component.value);
  }

  /**
   * The aggregator pods' selector: a Deployment's selector is immutable, so it holds only labels
   * that never change for a pipeline.
   */
  public static Map<String, String> selector(HasMetadata pipeline) {
    return sorted(
        NAME_LABEL, AGGREGATOR,
        INSTANCE_LABEL, pipeline.getMetadata().getName(),
        COMPONENT_LABEL, Component.AGGREGATOR.value);
  }

  /**
   * The serving certificate's names: kube-apiserver dials {@code <service>.<namespace>.svc}; the
   * fully qualified name serves clients that resolve it in the default cluster domain.
   */
  public static List<String> servingDnsNames(String namespace) {
    return List.of(SERVICE + "." + namespace + ".svc", SERVICE + "." + namespace + ".svc.cluster.local");
  }

  private static Map<String, String> sorted(String... keysAndValues) {
    Map<String, String> map = new TreeMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
