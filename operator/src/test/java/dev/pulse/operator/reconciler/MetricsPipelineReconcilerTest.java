package dev.pulse.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pulse.operator.OperatorMain;
import dev.pulse.operator.api.ApiServiceTakeover;
import dev.pulse.operator.api.AutoSizeSpec;
import dev.pulse.operator.api.AutoSizeStatus;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineSpec;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.model.AutoSize;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.testing.DeploymentController;
import dev.pulse.operator.testing.MovableClock;
import dev.pulse.operator.testing.Pipelines;
import dev.pulse.operator.tls.Pem;
import dev.pulse.operator.tls.ServingCertificate;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real JOSDK operator against fabric8's mock API server (CRUD mode, the CRD registered so
 * status is a subresource). The mock runs no controllers and no garbage collector: pods never
 * become ready, and deletion is checked through owner references.
 */
@EnableKubernetesMockClient(crud = true)
class MetricsPipelineReconcilerTest {

  static final String IMAGE = "ghcr.io/pulse/pulse-aggregator:0.1.0";
  static final String NAMESPACE = "pulse-system";
  static final Duration WAIT = Duration.ofSeconds(30);

  KubernetesClient client;
  final MovableClock clock = new MovableClock();
  Operator operator;

  @BeforeEach
  void startOperator() throws IOException {
    try (InputStream crd = Files.newInputStream(Path.of("../crds/metricspipelines.pulse.dev-v1.yml"))) {
      client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
    }
    operator = new Operator(overrider -> OperatorMain.configure(overrider).withKubernetesClient(client)
        .withCloseClientOnStop(false));
    AggregatorNamespaces namespaces = AggregatorNamespaces.of(NAMESPACE);
    operator.register(new MetricsPipelineReconciler(IMAGE, Optional.empty(), namespaces, clock),
        MetricsPipelineReconciler.watching(namespaces));
    operator.start();
  }

  @AfterEach
  void stopOperator() {
    operator.stop();
  }

  @Test
  void aPipelineBecomesEveryObjectOwnedByIt() {
    MetricsPipeline pipeline = create("cluster", spec -> { });
    awaitObservedGeneration("cluster", 1);

    List<HasMetadata> owned = List.of(
        get(ServiceAccount.class, NAMESPACE, Names.SERVICE_ACCOUNT),
        get(ClusterRole.class, null, Names.AGGREGATOR_CLUSTER_ROLE),
        get(ClusterRoleBinding.class, null, Names.AGGREGATOR_CLUSTER_ROLE_BINDING),
        get(ClusterRoleBinding.class, null, Names.AUTH_DELEGATOR_CLUSTER_ROLE_BINDING),
        get(ClusterRole.class, null, Names.METRICS_READER_CLUSTER_ROLE),
        get(RoleBinding.class, Names.KUBE_SYSTEM, Names.AUTH_READER_ROLE_BINDING),
        get(Service.class, NAMESPACE, Names.SERVICE),
        get(Secret.class, NAMESPACE, Names.CA_SECRET),
        get(Secret.class, NAMESPACE, Names.SERVING_SECRET),
        get(APIService.class, null, Names.API_SERVICE),
        get(Deployment.class, NAMESPACE, Names.DEPLOYMENT));
    assertThat(owned).allSatisfy(object -> {
      assertThat(object.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
          .as("owner of %s", object.getMetadata().getName()).containsExactly(pipeline.getMetadata().getUid());
      assertThat(object.getMetadata().getLabels())
          .containsEntry(Names.MANAGED_BY_LABEL, Names.MANAGED_BY).containsEntry(Names.INSTANCE_LABEL, "cluster");
    });
    assertThat(get(Namespace.class, null, NAMESPACE).getMetadata().getOwnerReferences())
        .as("the namespace outlives the pipeline").isNullOrEmpty();
    assertThat(client.resources(PodDisruptionBudget.class).inNamespace(NAMESPACE).withName(Names.POD_DISRUPTION_BUDGET)
        .get()).as("no budget for one replica").isNull();

    APIService apiService = get(APIService.class, null, Names.API_SERVICE);
    assertThat(decode(apiService.getSpec().getCaBundle())).isEqualTo(secretValue(Names.CA_SECRET, "ca.crt"));
    assertThat(apiService.getSpec().getService().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(certificateHash(get(Deployment.class, NAMESPACE, Names.DEPLOYMENT)))
        .isEqualTo(sha256(servingCertificate()));

    assertThat(condition("cluster", "Ready").getReason()).isEqualTo("AggregatorStarting");
    assertThat(fetch("cluster").getStatus().getCertificateNotAfter())
        .isEqualTo(servingCertificate().getNotAfter().toInstant().toString());
  }

  /**
   * kube-apiserver away for an upgrade, or a run of 422s: the operator keeps trying, backing off
   * to once a minute, where JOSDK's default stops after five attempts until some event comes.
   */
  @Test
  void aFailingReconcileIsRetriedWithoutLimitAtLeastOnceAMinute() {
    RetryExecution retry = operator.getRegisteredController(MetricsPipelineReconciler.NAME).orElseThrow()
        .getConfiguration().getRetry().initExecution();

    List<Long> delays = IntStream.range(0, 100).mapToObj(attempt -> retry.nextDelay()
        .orElseThrow(() -> new AssertionError("gave up after " + attempt + " retries"))).toList();

    assertThat(delays.get(0)).isEqualTo(2_000);
    assertThat(delays).isSorted().allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(60_000));
    assertThat(delays.get(99)).isEqualTo(60_000);
  }

  @Test
  void podSettingsRollOutAndThoseRemovedFromTheSpecGo() {
    create("cluster", spec -> {
      spec.setPodLabels(Map.of("team", "metrics", "tier", "infra"));
      spec.setPodAnnotations(Map.of("mesh.io/inject", "false"));
      spec.setServiceAnnotations(Map.of("lb.example.com/internal", "true", "mesh.io/port", "443"));
      spec.setImagePullSecrets(List.of(new LocalObjectReference("mirror")));
      spec.setAffinity(new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm().addNewMatchExpression().withKey("zone").withOperator("Exists").endMatchExpression()
          .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
      spec.setSecurePort(10251);
    });
    awaitObservedGeneration("cluster", 1);
    assertThat(get(Deployment.class, NAMESPACE, Names.DEPLOYMENT).getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "metrics").containsEntry("tier", "infra");
    // Others' annotations on the Service stay through the operator's updates.
    client.services().inNamespace(NAMESPACE).withName(Names.SERVICE)
        .edit(service -> new ServiceBuilder(service).editMetadata().addToAnnotations("someone.else/note", "kept")
            .endMetadata().build());

    edit("cluster", p -> {
      p.getSpec().setPodLabels(Map.of("team", "metrics"));
      p.getSpec().setPodAnnotations(null);
      p.getSpec().setServiceAnnotations(Map.of("mesh.io/port", "8443"));
      p.getSpec().setImagePullSecrets(null);
      p.getSpec().setAffinity(null);
      p.getSpec().setHostNetwork(true);
    });
    awaitObservedGeneration("cluster", 2);

    await().atMost(WAIT).untilAsserted(() -> {
      Deployment deployment = get(Deployment.class, NAMESPACE, Names.DEPLOYMENT);
      assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
          .containsEntry("team", "metrics").doesNotContainKey("tier");
      assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).doesNotContainKey("mesh.io/inject");
      assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets()).isNullOrEmpty();
      assertThat(deployment.getSpec().getTemplate().getSpec().getAffinity()).isNull();
      assertThat(deployment.getSpec().getTemplate().getSpec().getHostNetwork()).isTrue();
      assertThat(deployment.getSpec().getTemplate().getSpec().getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
      assertThat(get(Service.class, NAMESPACE, Names.SERVICE).getMetadata().getAnnotations())
          .containsEntry("mesh.io/port", "8443")
          .containsEntry("someone.else/note", "kept")
          .doesNotContainKey("lb.example.com/internal");
      assertThat(get(Namespace.class, null, NAMESPACE).getMetadata().getLabels())
          .containsEntry("pod-security.kubernetes.io/enforce", "privileged")
          .containsEntry("pod-security.kubernetes.io/audit", "restricted");
    });
    assertThat(fetch("cluster").getStatus().getPodSecurity()).startsWith("privileged: spec.hostNetwork is true");

    // Off the host network on the same port: only hostNetwork and dnsPolicy go.
    edit("cluster", p -> p.getSpec().setHostNetwork(false));
    awaitObservedGeneration("cluster", 3);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(get(Namespace.class, null, NAMESPACE).getMetadata().getLabels())
          .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
      PodSpec pod = get(Deployment.class, NAMESPACE, Names.DEPLOYMENT).getSpec().getTemplate().getSpec();
      assertThat(pod.getHostNetwork()).isNull();
      assertThat(pod.getDnsPolicy()).isNull();
      assertThat(pod.getContainers().get(0).getPorts().get(0).getContainerPort()).isEqualTo(10251);
    });
  }

  /**
   * The count comes from the aggregator's node summary, which the mock cannot serve (the e2e test
   * reads it from a real aggregator); here the status carries the count the size was computed for.
   */
  @Test
  void autoSizeSizesTheAggregatorForTheCountInTheStatusAndExplicitResourcesWin() {
    create("cluster", spec -> spec.getAutoSize().setEnabled(true));
    awaitObservedGeneration("cluster", 1);
    assertThat(fetch("cluster").getStatus().getAutoSize().getMessage()).contains("first node count");
    assertThat(container().getResources()).as("the defaults until a count").isEqualTo(new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("200Mi"))
        .addToLimits("memory", new Quantity("512Mi")).build());

    MetricsPipeline counted = fetch("cluster");
    AutoSizeStatus autoSize = new AutoSizeStatus();
    autoSize.setNodes(1000);
    counted.getStatus().setAutoSize(autoSize);
    client.resource(counted).updateStatus();
    edit("cluster", p -> p.getSpec().setMetricResolution("20s"));
    awaitObservedGeneration("cluster", 2);
    await().atMost(WAIT).untilAsserted(() -> assertThat(container().getResources())
        .isEqualTo(AutoSize.resources(new AutoSizeSpec(), 1000)));
    AutoSizeStatus reported = fetch("cluster").getStatus().getAutoSize();
    assertThat(reported.getNodes()).isEqualTo(1000);
    assertThat(reported.getMessage()).contains("Sized for 1000 nodes: requests cpu 100m, memory 400Mi");

    edit("cluster", p -> p.getSpec().setResources(new ResourceRequirementsBuilder()
        .addToRequests("memory", new Quantity("1Gi")).build()));
    awaitObservedGeneration("cluster", 3);
    await().atMost(WAIT).untilAsserted(() -> assertThat(container().getResources().getRequests())
        .isEqualTo(Map.of("memory", new Quantity("1Gi"))));
    assertThat(fetch("cluster").getStatus().getAutoSize().getMessage()).contains("spec.resources is set and wins");
  }

  @Test
  void aNamespaceSomeoneElseCreatedKeepsItsLabelsUnderHostNetwork() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
        .addToLabels("pod-security.kubernetes.io/enforce", "baseline").endMetadata().build()).create();
    create("cluster", spec -> spec.setHostNetwork(true));
    awaitObservedGeneration("cluster", 1);
    get(Deployment.class, NAMESPACE, Names.DEPLOYMENT);
    assertThat(get(Namespace.class, null, NAMESPACE).getMetadata().getLabels())
        .containsExactlyEntriesOf(Map.of("pod-security.kubernetes.io/enforce", "baseline"));
  }

  @Test
  void aSpecChangeUpdatesTheAggregatorAndAddsABudgetForTwoReplicas() {
    create("cluster", spec -> { });
    awaitObservedGeneration("cluster", 1);

    edit("cluster", p -> {
      p.getSpec().setMetricResolution("30s");
      p.getSpec().setReplicas(2);
    });
    awaitObservedGeneration("cluster", 2);

    await().atMost(WAIT).untilAsserted(() -> {
      Deployment deployment = get(Deployment.class, NAMESPACE, Names.DEPLOYMENT);
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
      assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
          .contains("--metric-resolution=30s");
      assertThat(deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
      assertThat(client.resources(PodDisruptionBudget.class).inNamespace(NAMESPACE)
          .withName(Names.POD_DISRUPTION_BUDGET).get()).isNotNull();
    });

    edit("cluster", p -> p.getSpec().setReplicas(1));
    await().atMost(WAIT).untilAsserted(() -> assertThat(client.resources(PodDisruptionBudget.class)
        .inNamespace(NAMESPACE).withName(Names.POD_DISRUPTION_BUDGET).get()).as("budget removed").isNull());
  }

  @Test
  void theCaIsKeptAcrossReconciles() {
    create("cluster", spec -> { });
    awaitObservedGeneration("cluster", 1);
    Secret ca = get(Secret.class, NAMESPACE, Names.CA_SECRET);
    String servingHash = certificateHash(get(Deployment.class, NAMESPACE, Names.DEPLOYMENT));

    edit("cluster", p -> p.getSpec().setMetricResolution("20s"));
    awaitObservedGeneration("cluster", 2);

    Secret after = get(Secret.class, NAMESPACE, Names.CA_SECRET);
    assertThat(after.getData()).isEqualTo(ca.getData());
    assertThat(after.getMetadata().getResourceVersion()).as("not rewritten").isEqualTo(ca.getMetadata().getResourceVersion());
    assertThat(certificateHash(get(Deployment.class, NAMESPACE, Names.DEPLOYMENT))).isEqualTo(servingHash);
  }

  @Test
  void aServingCertificateCloseToExpiryIsRotatedAndRollsThePods() {
    create("cluster", spec -> { });
    awaitObservedGeneration("cluster", 1);
    X509Certificate before = servingCertificate();
    String caBefore = secretValue(Names.CA_SECRET, "ca.crt");
    String hashBefore = certificateHash(get(Deployment.class, NAMESPACE, Names.DEPLOYMENT));

    // Inside the default 30-day renewal window of the one-year certificate.
    clock.set(before.getNotAfter().toInstant().minus(Duration.ofDays(10)));
    edit("cluster", p -> p.getSpec().setMetricResolution("20s"));
    awaitObservedGeneration("cluster", 2);

    await().atMost(WAIT).untilAsserted(() -> {
      X509Certificate after = servingCertificate();
      assertThat(after).isNotEqualTo(before);
      assertThat(after.getNotAfter()).isAfter(before.getNotAfter());
      assertThat(certificateHash(get(Deployment.class, NAMESPACE, Names.DEPLOYMENT)))
          .isNotEqualTo(hashBefore).isEqualTo(sha256(after));
    });
    assertThat(secretValue(Names.CA_SECRET, "ca.crt")).as("the CA is far from expiry").isEqualTo(caBefore);
  }

  @Test
  void aForeignApiServiceIsLeftAloneAndReported() {
    APIService foreign = client.resource(foreignApiService()).create();

    create("cluster", spec -> { });
    awaitObservedGeneration("cluster", 1);

    Condition ready = condition("cluster", "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("APIServiceConflict");
    assertThat(ready.getMessage()).contains("Service kube-system/metrics-server, managed by Helm");
    APIService after = get(APIService.class, null, Names.API_SERVICE);
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(client.resources(Deployment.class).inNamespace(NAMESPACE).withName(Names.DEPLOYMENT).get())
        .as("no aggregator without the APIService").isNull();
    await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems())
        .filteredOn(event -> "cluster".equals(event.getInvolvedObject().getName()))
        .anySatisfy(event -> {
          assertThat(event.getType()).isEqualTo("Warning");
          assertThat(event.getReason()).isEqualTo("APIServiceConflict");
          assertThat(event.getInvolvedObject().getKind()).isEqualTo("MetricsPipeline");
          assertThat(event.getMessage()).contains("Service kube-system/metrics-server");
        }));

    client.resource(fetch("cluster")).delete();
    await().atMost(WAIT).until(() -> fetch("cluster") == null);
    assertThat(get(APIService.class, null, Names.API_SERVICE).getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(get(Namespace.class, null, NAMESPACE)).as("the namespace stays").isNotNull();
  }

  @Test
  void takeoverAlwaysReplacesAForeignApiServiceOnceAnAggregatorIsReady() {
    APIService foreign = client.resource(foreignApiService()).create();

    MetricsPipeline pipeline = create("cluster", spec -> spec.getApiService().setTakeover(ApiServiceTakeover.Always));
    awaitObservedGeneration("cluster", 1);

    // The aggregator comes first; metrics-server keeps serving meanwhile.
    await().atMost(WAIT).until(() -> client.resources(Deployment.class).inNamespace(NAMESPACE)
        .withName(Names.DEPLOYMENT).get() != null);
    assertThat(get(APIService.class, null, Names.API_SERVICE).getMetadata().getResourceVersion())
        .as("untouched while no aggregator is ready").isEqualTo(foreign.getMetadata().getResourceVersion());
    Condition apiServiceCondition = condition("cluster", "APIServiceAvailable");
    assertThat(apiServiceCondition.getReason()).isEqualTo("TakeoverPending");
    assertThat(apiServiceCondition.getMessage()).contains("Service kube-system/metrics-server", "no gap");
    assertThat(condition("cluster", "Degraded").getStatus()).isEqualTo("False");

    // What the Deployment controller writes once the pod's readiness probe (/readyz) passes.
    DeploymentController.podsReady(client, NAMESPACE, 1);
    await().atMost(WAIT).untilAsserted(() -> {
      APIService apiService = get(APIService.class, null, Names.API_SERVICE);
      assertThat(apiService.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
          .containsExactly(pipeline.getMetadata().getUid());
      assertThat(apiService.getSpec().getService().getNamespace()).isEqualTo(NAMESPACE);
      assertThat(apiService.getMetadata().getLabels()).as("Helm's labels go with Helm's ownership")
          .isEqualTo(Names.labels(pipeline, Names.Component.METRICS_API));
      assertThat(decode(apiService.getSpec().getCaBundle())).isEqualTo(secretValue(Names.CA_SECRET, "ca.crt"));
      assertThat(condition("cluster", "APIServiceAvailable").getReason())
          .as("ours now, waiting for kube-apiserver's verdict").isEqualTo("NotReported");
    });
  }

  @Test
  void aSecondPipelineStaysInactive() {
    create("cluster", spec -> { });
    awaitObservedGeneration("cluster", 1);
    String deploymentVersion = get(Deployment.class, NAMESPACE, Names.DEPLOYMENT).getMetadata().getResourceVersion();

    create("second", spec -> spec.setNamespace("pulse-second"));
    awaitObservedGeneration("second", 1);

    Condition ready = condition("second", "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("AnotherPipelineActive");
    assertThat(ready.getMessage()).contains("MetricsPipeline cluster");
    assertThat(client.namespaces().withName("pulse-second").get()).isNull();
    assertThat(get(APIService.class, null, Names.API_SERVICE).getMetadata().getLabels())
        .containsEntry(Names.INSTANCE_LABEL, "cluster");
    assertThat(get(Deployment.class, NAMESPACE, Names.DEPLOYMENT).getMetadata().getResourceVersion())
        .isEqualTo(deploymentVersion);
  }

  @Test
  void aPipelineOutsideTheOperatorsNamespacesGetsNothingAndSaysWhy() {
    create("cluster", spec -> spec.setNamespace("kube-system"));
    awaitObservedGeneration("cluster", 1);

    Condition ready = condition("cluster", "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("NamespaceNotManaged");
    assertThat(ready.getMessage()).contains("spec.namespace kube-system", AggregatorNamespaces.ENV, NAMESPACE);
    assertThat(condition("cluster", "Degraded").getStatus()).isEqualTo("True");
    assertThat(client.resources(APIService.class).withName(Names.API_SERVICE).get()).isNull();
    assertThat(client.secrets().inNamespace("kube-system").list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  /** What metrics-server's Helm chart installs. */
  private static APIService foreignApiService() {
    return new APIServiceBuilder()
        .withNewMetadata().withName(Names.API_SERVICE).addToLabels(Names.MANAGED_BY_LABEL, "Helm").endMetadata()
        .withNewSpec().withGroup(Names.METRICS_GROUP).withVersion(Names.METRICS_VERSION)
        .withGroupPriorityMinimum(100).withVersionPriority(100).withInsecureSkipTLSVerify(true)
        .withNewService().withNamespace(Names.KUBE_SYSTEM).withName("metrics-server").withPort(443).endService()
        .endSpec().build();
  }

  private MetricsPipeline create(String name, Consumer<MetricsPipelineSpec> spec) {
    MetricsPipeline pipeline = Pipelines.pipeline(spec);
    pipeline.getMetadata().setName(name);
    pipeline.getMetadata().setUid(null);
    pipeline.getMetadata().setGeneration(null);
    return client.resource(pipeline).create();
  }

  private void edit(String name, Consumer<MetricsPipeline> change) {
    client.resources(MetricsPipeline.class).withName(name).edit(p -> {
      change.accept(p);
      return p;
    });
  }

  private Container container() {
    return get(Deployment.class, NAMESPACE, Names.DEPLOYMENT).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private MetricsPipeline fetch(String name) {
    return client.resources(MetricsPipeline.class).withName(name).get();
  }

  private void awaitObservedGeneration(String name, long generation) {
    await().atMost(WAIT).untilAsserted(() -> {
      MetricsPipeline pipeline = fetch(name);
      assertThat(pipeline.getMetadata().getGeneration()).isEqualTo(generation);
      assertThat(pipeline.getStatus()).isNotNull();
      assertThat(pipeline.getStatus().getObservedGeneration()).isEqualTo(generation);
    });
  }

  private Condition condition(String name, String type) {
    return fetch(name).getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElseThrow();
  }

  private <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    T object = namespace == null ? client.resources(type).withName(name).get()
        : client.resources(type).inNamespace(namespace).withName(name).get();
    assertThat(object).as("%s %s", type.getSimpleName(), name).isNotNull();
    return object;
  }

  private String secretValue(String secret, String key) {
    return decode(get(Secret.class, NAMESPACE, secret).getData().get(key));
  }

  private X509Certificate servingCertificate() {
    return Pem.certificates(secretValue(Names.SERVING_SECRET, "tls.crt")).get(0);
  }

  private static String certificateHash(Deployment deployment) {
    Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations.get(Names.SERVING_CERT_HASH_ANNOTATION);
  }

  private static String sha256(X509Certificate certificate) {
    return new ServingCertificate(certificate, null).sha256();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
