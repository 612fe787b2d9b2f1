package dev.pulse.operator.monitoring;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.ServiceMonitorSpec;
import dev.pulse.operator.dependent.DeploymentDependentResource;
import dev.pulse.operator.dependent.ServingSecretDependentResource;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.monitoring.PrometheusOperator.Kind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregator's ServiceMonitor: Prometheus scrapes {@code /metrics} on each pod behind the
 * Service, over HTTPS verified against the pipeline's CA bundle (never insecureSkipVerify), with a
 * bearer token the aggregator authorizes like kube-apiserver does (non-resource {@code get /metrics}).
 */
public final class ServiceMonitors {

  /** Where a pod's projected service-account token is: Prometheus presents its own by default. */
  static final String SERVICE_ACCOUNT_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  static final String METRICS_PATH = "/metrics";

  private ServiceMonitors() {}

  public static GenericKubernetesResource desired(MetricsPipeline pipeline) {
    ServiceMonitorSpec spec = pipeline.getSpec().getMonitoring().getServiceMonitor();
    String namespace = pipeline.getSpec().getNamespace();
    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("port", DeploymentDependentResource.PORT_NAME);
    endpoint.put("scheme", "https");
    endpoint.put("path", METRICS_PATH);
    SecretKeySelector token = spec.getBearerTokenSecret();
    if (token != null) {
      endpoint.put("authorization", Map.of("type", "Bearer",
          "credentials", Map.of("name", token.getName(), "key", token.getKey())));
    } else {
      endpoint.put("bearerTokenFile", SERVICE_ACCOUNT_TOKEN_FILE);
    }
    // The serving Secret's ca.crt is the bundle kube-apiserver trusts too (the CA, and during a
    // rotation the previous one); the Prometheus Operator copies only that key. Prometheus dials
    // pod IPs, so the name to verify is the Service's, which the certificate carries.
    endpoint.put("tlsConfig", Map.of(
        "ca", Map.of("secret", Map.of("name", Names.SERVING_SECRET, "key", ServingSecretDependentResource.CA_BUNDLE)),
        "serverName", Names.servingDnsNames(namespace).get(0)));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(PrometheusOperator.API_VERSION)
        .withKind(Kind.SERVICE_MONITOR.kind)
        .withMetadata(PrometheusOperator.metadata(pipeline, Kind.SERVICE_MONITOR, spec.getLabels()))
        .addToAdditionalProperties("spec", Map.of(
            "selector", Map.of("matchLabels", Names.selector(pipeline)),
            "namespaceSelector", Map.of("matchNames", List.of(namespace)),
            "endpoints", List.of(endpoint)))
        .build();
  }
}
