package dev.pulse.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pulse.operator.OperatorMain;
import dev.pulse.operator.api.ApiServiceTakeover;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.reconciler.MetricsPipelineReconciler;
import dev.pulse.operator.testing.DeploymentController;
import dev.pulse.operator.monitoring.PrometheusOperator;
import dev.pulse.operator.monitoring.PrometheusOperator.Kind;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every request the real operator makes, recorded by the mock API server while it takes a
 * pipeline through its paths (takeover, scale up and down, losing the APIService), is one the
 * generated ClusterRole allows. A new API call without a rule fails here, before any cluster.
 * What this cannot see: kube-apiserver's escalation checks on roles and bindings, and leader
 * election (the mock answers no SelfSubjectRulesReview); the e2e install tests cover those.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorRbacTest {

  static final String AGENT = "pulse-operator-under-test";
  static final Duration WAIT = Duration.ofSeconds(30);

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void theClusterRoleAllowsEveryRequestTheOperatorMakes() throws Exception {
    try (InputStream crd = Files.newInputStream(Path.of("../crds/metricspipelines.pulse.dev-v1.yml"))) {
      client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
    }
    // A metrics-server left behind: its APIService points at a Service that is gone.
    client.resource(foreignApiService()).create();

    try (KubernetesClient operatorClient = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT).build()).build()) {
      assertThat(OperatorMain.startProblem(operatorClient)).isNull();
      Operator operator = new Operator(overrider -> OperatorMain.configure(overrider)
          .withKubernetesClient(operatorClient).withCloseClientOnStop(false));
      AggregatorNamespaces namespaces = AggregatorNamespaces.of(InstallManifests.AGGREGATOR_NAMESPACE);
      operator.register(new MetricsPipelineReconciler(InstallManifests.AGGREGATOR_IMAGE, Optional.empty(),
          namespaces, Clock.systemUTC()), MetricsPipelineReconciler.watching(namespaces));
      operator.start();
      try {
        walkThePipelineThroughItsPaths();
      } finally {
        operator.stop();
      }
    }

    List<String> denied = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
      if (request == null || !AGENT.equals(request.getHeader("User-Agent"))) {
        continue;
      }
      if (isDiscovery(request.getPath())) {
        // Granted to every authenticated user by the built-in system:discovery role.
        seen.add("discovery " + request.getPath());
        continue;
      }
      Attributes attributes = Attributes.of(request.getMethod(), request.getPath());
      seen.add(attributes.toString());
      if (!allowed(attributes, OperatorRbac.clusterRules()) && !(InstallManifests.AGGREGATOR_NAMESPACE
          .equals(attributes.namespace()) && allowed(attributes, OperatorRbac.aggregatorNamespaceRules()))) {
        denied.add(attributes + " (" + request.getMethod() + " " + request.getPath() + ")");
      }
    }
    assertThat(seen).as("requests recorded").isNotEmpty()
        .anyMatch(s -> s.startsWith("update apiservices"))
        .anyMatch(s -> s.startsWith("update namespaces"))
        .anyMatch(s -> s.startsWith("delete poddisruptionbudgets"))
        .anyMatch(s -> s.startsWith("delete deployments"))
        .anyMatch(s -> s.startsWith("get services"))
        .anyMatch(s -> s.startsWith("watch configmaps in kube-system extension-apiserver-authentication"))
        .anyMatch(s -> s.startsWith("discovery /apis/monitoring.coreos.com/v1"))
        .anyMatch(s -> s.startsWith("create servicemonitors.monitoring.coreos.com in pulse-system"))
        .anyMatch(s -> s.startsWith("update servicemonitors.monitoring.coreos.com in pulse-system"))
        .anyMatch(s -> s.startsWith("delete prometheusrules.monitoring.coreos.com in pulse-system"));
    assertThat(denied).as("requests neither the operator's ClusterRole nor its Role in %s allows; seen: %s",
        InstallManifests.AGGREGATOR_NAMESPACE, seen).isEmpty();
  }

  /**
   * Takeover IfOrphaned with two replicas, down to one, onto the host network, monitoring before and after
   * its CRDs exist, then the APIService is lost again.
   */
  private void walkThePipelineThroughItsPaths() {
    MetricsPipeline pipeline = new MetricsPipeline();
    pipeline.setMetadata(new ObjectMetaBuilder().withName("cluster").build());
    pipeline.getSpec().setReplicas(2);
    pipeline.getSpec().getApiService().setTakeover(ApiServiceTakeover.IfOrphaned);
    client.resource(pipeline).create();
    await().atMost(WAIT).until(() -> budget() != null && deployment() != null);
    // Ready pods, as the Deployment controller reports them: only then is the APIService taken over.
    DeploymentController.podsReady(client, "pulse-system", 2);
    await().atMost(WAIT).until(() -> Names.MANAGED_BY.equals(client.resources(APIService.class)
        .withName(Names.API_SERVICE).get().getMetadata().getLabels().get(Names.MANAGED_BY_LABEL)));

    specPatch("{\"replicas\": 1}");
    await().atMost(WAIT).until(() -> budget() == null);

    // The namespace it created follows the Pod Security level hostNetwork needs.
    specPatch("{\"hostNetwork\": true}");
    await().atMost(WAIT).until(() -> "privileged".equals(client.namespaces().withName("pulse-system").get()
        .getMetadata().getLabels().get("pod-security.kubernetes.io/enforce")));

    // Monitoring asked for before the Prometheus Operator's CRDs are installed, then after; changed,
    // and the rule no longer asked for.
    specPatch("{\"monitoring\": {\"serviceMonitor\": {\"enabled\": true}, \"prometheusRule\": {\"enabled\": true}}}");
    await().atMost(WAIT).until(() -> observedGeneration() == 4L);
    serveMonitoringKinds();
    specPatch("{\"monitoring\": {\"serviceMonitor\": {\"labels\": {\"release\": \"prometheus\"}}}}");
    await().atMost(WAIT).until(() -> monitoring(Kind.SERVICE_MONITOR) != null && monitoring(Kind.PROMETHEUS_RULE) != null);
    specPatch("{\"monitoring\": {\"serviceMonitor\": {\"labels\": {\"release\": \"kube-prometheus\"}},"
        + " \"prometheusRule\": {\"enabled\": false}}}");
    await().atMost(WAIT).until(() -> monitoring(Kind.PROMETHEUS_RULE) == null);

    // The pipeline may no longer replace it, and then it is someone else's again: the aggregator
    // goes. In this order, or a reconcile in between would take the APIService back.
    specPatch("{\"apiService\": {\"takeover\": \"Never\"}}");
    await().atMost(WAIT).until(() -> observedGeneration() == 7L);
    client.resources(APIService.class).withName(Names.API_SERVICE).edit(a -> foreignApiService());
    // A foreign APIService's events lead to no pipeline; a spec change makes it look.
    specPatch("{\"metricResolution\": \"30s\"}");
    await().atMost(WAIT).until(() -> deployment() == null);
  }

  /** A merge patch, as kubectl patch sends it: no resourceVersion to conflict with status writes. */
  private void specPatch(String spec) {
    client.resources(MetricsPipeline.class).withName("cluster")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": " + spec + "}");
  }

  private Long observedGeneration() {
    MetricsPipeline pipeline = client.resources(MetricsPipeline.class).withName("cluster").get();
    return pipeline.getStatus() == null ? null : pipeline.getStatus().getObservedGeneration();
  }

  /** kube-apiserver's discovery once the Prometheus Operator's CRDs are installed. */
  private void serveMonitoringKinds() {
    APIResourceListBuilder list = new APIResourceListBuilder().withGroupVersion(PrometheusOperator.API_VERSION);
    for (Kind kind : Kind.values()) {
      list.addNewResource().withName(kind.plural).withKind(kind.kind).withNamespaced(true).endResource();
      server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(PrometheusOperator.GROUP)
          .withVersion(PrometheusOperator.VERSION).withKind(kind.kind).withPlural(kind.plural)
          .withScope("Namespaced").build());
    }
    server.expect().get().withPath("/apis/" + PrometheusOperator.API_VERSION).andReturn(200, list.build()).always();
  }

  private GenericKubernetesResource monitoring(Kind kind) {
    return client.genericKubernetesResources(kind.context()).inNamespace("pulse-system").withName(kind.objectName).get();
  }

  /** {@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>} and {@code /apis/<group>/<version>}. */
  static boolean isDiscovery(String pathAndQuery) {
    String[] parts = URI.create(pathAndQuery).getPath().substring(1).split("/");
    return parts[0].equals("api") ? parts.length <= 2 : parts.length <= 3;
  }

  private PodDisruptionBudget budget() {
    return client.resources(PodDisruptionBudget.class).inNamespace("pulse-system").withName(Names.POD_DISRUPTION_BUDGET)
        .get();
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace("pulse-system").withName(Names.DEPLOYMENT).get();
  }

  private static APIService foreignApiService() {
    return new APIServiceBuilder()
        .withNewMetadata().withName(Names.API_SERVICE).addToLabels("k8s-app", "metrics-server").endMetadata()
        .withNewSpec()
        .withGroup(Names.METRICS_GROUP).withVersion(Names.METRICS_VERSION)
        .withGroupPriorityMinimum(100).withVersionPriority(100)
        .withNewService().withNamespace("kube-system").withName("metrics-server").withPort(443).endService()
        .endSpec()
        .build();
  }

  static boolean allowed(Attributes request, List<PolicyRule> rules) {
    return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(request.group())
        && rule.getResources().contains(request.resource())
        && rule.getVerbs().contains(request.verb())
        && (rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(request.name())));
  }

  /** What kube-apiserver's authorizer sees of a request: verb, group, resource[/subresource], name. */
  record Attributes(String verb, String group, String resource, String namespace, String name) {

    static Attributes of(String method, String pathAndQuery) {
      URI uri = URI.create(pathAndQuery);
      List<String> parts = new ArrayList<>(List.of(uri.getPath().substring(1).split("/")));
      String group = parts.get(0).equals("api") ? "" : parts.get(1);
      parts = parts.subList(parts.get(0).equals("api") ? 2 : 3, parts.size());
      String namespace = null;
      if (parts.size() >= 3 && parts.get(0).equals("namespaces")) {
        namespace = parts.get(1);
        parts = parts.subList(2, parts.size());
      }
      String resource = parts.get(0) + (parts.size() > 2 ? "/" + parts.get(2) : "");
      String name = parts.size() > 1 ? parts.get(1) : null;
      boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
      // kube-apiserver takes a list's or watch's name from an exact metadata.name field selector.
      Matcher byName = Pattern.compile("(?:^|&)fieldSelector=metadata\\.name(?:%3D|=)([^&%,]+)(?:&|$)")
          .matcher(uri.getRawQuery() == null ? "" : uri.getRawQuery());
      if (name == null && method.equals("GET") && byName.find()) {
        return new Attributes(watch ? "watch" : "list", group, resource, namespace, byName.group(1));
      }
      String verb = switch (method) {
        case "GET" -> watch ? "watch" : name == null ? "list" : "get";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> name == null ? "deletecollection" : "delete";
        default -> throw new IllegalArgumentException(method + " " + pathAndQuery);
      };
      return new Attributes(verb, group, resource, namespace, name);
    }

    @Override
    public String toString() {
      return verb + " " + resource + (group.isEmpty() ? "" : "." + group)
          + (namespace == null ? "" : " in " + namespace) + (name == null ? "" : " " + name);
    }
  }

  @Test
  void requestsMapToTheAttributesRbacChecks() {
    assertThat(Attributes.of("GET", "/apis/apps/v1/deployments?labelSelector=a%3Db&watch=true"))
        .isEqualTo(new Attributes("watch", "apps", "deployments", null, null));
    assertThat(Attributes.of("PATCH", "/apis/pulse.dev/v1alpha1/metricspipelines/cluster/status"))
        .isEqualTo(new Attributes("patch", "pulse.dev", "metricspipelines/status", null, "cluster"));
    assertThat(Attributes.of("GET", "/api/v1/namespaces/kube-system/services/metrics-server"))
        .isEqualTo(new Attributes("get", "", "services", "kube-system", "metrics-server"));
    assertThat(Attributes.of("GET", "/api/v1/namespaces?limit=500"))
        .isEqualTo(new Attributes("list", "", "namespaces", null, null));
    assertThat(Attributes.of("GET",
        "/api/v1/namespaces/kube-system/configmaps?fieldSelector=metadata.name%3Dextension-apiserver-authentication"
            + "&watch=true"))
        .isEqualTo(new Attributes("watch", "", "configmaps", "kube-system", "extension-apiserver-authentication"));
    assertThat(allowed(new Attributes("list", "", "configmaps", "kube-system", null), OperatorRbac.clusterRules()))
        .as("only the one ConfigMap").isFalse();
    assertThat(Attributes.of("PUT", "/api/v1/namespaces/pulse-system"))
        .isEqualTo(new Attributes("update", "", "namespaces", null, "pulse-system"));
    assertThat(isDiscovery("/apis/monitoring.coreos.com/v1")).isTrue();
    assertThat(isDiscovery("/apis/monitoring.coreos.com/v1/namespaces/a/servicemonitors/b")).isFalse();
    assertThat(allowed(new Attributes("update", "apiregistration.k8s.io", "apiservices", null, "v1beta1.other.io"),
        OperatorRbac.clusterRules())).as("names restrict").isFalse();
  }
}
