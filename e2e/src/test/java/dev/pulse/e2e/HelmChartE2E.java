package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator installed the way cluster admins do: the Helm chart ({@code config/helm/pulse},
 * with the real helm built from the module proxy) and the kustomize layout ({@code config/default},
 * with kubectl's built-in kustomize), both holding exactly what {@code config/install.yaml} holds.
 *
 * <p>The release runs in namespaces of its own ({@code e2e/config/helm-install.yaml}), in place of
 * {@code make up}'s Pulse: the operator of {@code make up} is stopped and its pipeline deleted first
 * (two operators would reconcile the one pipeline, two pipelines fight over the one APIService), and
 * {@code up.sh --restart-pulse} brings it back at the end, so the classes after this one find the
 * cluster as {@code make up} left it.
 */
@ExtendWith(LocalCluster.Extension.class)
@TestMethodOrder(OrderAnnotation.class)
class HelmChartE2E {

  private static final String CHART = "config/helm/pulse";
  private static final String RELEASE = "pulse-e2e";
  /** Helm keeps the release record there; the chart's namespaces are its own objects. */
  private static final String RELEASE_NAMESPACE = "default";
  private static final String OPERATOR_NAMESPACE = "pulse-helm";
  private static final String AGGREGATOR_NAMESPACE = "pulse-helm-system";
  private static final String OPERATOR = "system:serviceaccount:" + OPERATOR_NAMESPACE + ":pulse-operator";
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final YAMLMapper YAML = new YAMLMapper();

  private static LocalCluster cluster;
  private static Path helm;

  @BeforeAll
  static void setUp(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    helm = Tools.helm();
  }

  /** Whatever a failure left, then make up's Pulse again. */
  @AfterAll
  static void restoreMakeUp() throws Exception {
    if (helm != null && helm("status", RELEASE).exitCode() == 0) {
      helm("uninstall", RELEASE, "--wait", "--timeout", "2m");
    }
    cluster.script("up.sh", "--restart-pulse");
    Pipelines.awaitReady(cluster);
  }

  @Test
  @Order(1)
  void helmLintFindsNothingAndTheSchemaRefusesWrongValues() throws Exception {
    for (List<String> values : List.of(List.<String>of(), List.of("-f", "e2e/config/helm-install.yaml"),
        List.of("-f", "e2e/config/helm-upgrade.yaml"))) {
      List<String> lint = new ArrayList<>(List.of("lint", "--strict", CHART));
      lint.addAll(values);
      LocalCluster.Result result = helm(lint.toArray(String[]::new));
      assertThat(result.exitCode()).as("helm lint %s: %s%s", values, result.stdout(), result.stderr()).isZero();
      assertThat(result.stdout()).as("helm lint %s", values).contains("1 chart(s) linted, 0 chart(s) failed")
          .doesNotContain("[INFO]", "[WARNING]", "[ERROR]");
    }
    // values.schema.json: a wrong value fails before anything is applied, naming the value.
    LocalCluster.Result invalid = helm("template", "pulse", CHART, "--set", "replicas=0",
        "--set", "aggregatorNamespaces={Pulse}");
    assertThat(invalid.exitCode()).isNotZero();
    assertThat(invalid.stderr()).contains("/replicas", "/aggregatorNamespaces/0");
  }

  @Test
  @Order(1)
  void theChartWithItsDefaultsRendersExactlyInstallYaml() throws Exception {
    LocalCluster.Result template = helm("template", "pulse", CHART, "--include-crds");
    assertThat(template.exitCode()).as(template.stderr()).isZero();
    assertSameObjects(objects(template.stdout()), installYaml());
  }

  @Test
  @Order(1)
  void kustomizeBuildsExactlyInstallYamlAndTheApiServerAcceptsIt() throws Exception {
    LocalCluster.Result build = cluster.kubectl("kustomize", cluster.repo().resolve("config/default").toString());
    assertThat(build.exitCode()).as(build.stderr()).isZero();
    assertSameObjects(objects(build.stdout()), installYaml());

    LocalCluster.Result apply = cluster.kubectl("apply", "--dry-run=server", "-k",
        cluster.repo().resolve("config/default").toString());
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    assertThat(apply.stdout()).contains("customresourcedefinition.apiextensions.k8s.io/metricspipelines.pulse.dev",
        "deployment.apps/pulse-operator");
    assertThat(apply.stderr()).as("no warnings, e.g. of Pod Security").isEmpty();
  }

  @Test
  @Order(2)
  void helmInstallBringsUpTheOperatorWithTheChartsPermissionsAndAReadyPipeline() throws Exception {
    // make up's Pulse out of the way: its operator stopped, its pipeline and what that owns gone.
    cluster.stop("operator");
    cluster.stop("aggregator");
    cluster.kubectl("delete", "metricspipeline", Pipelines.NAME, "--ignore-not-found", "--wait=true").ok();
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2))
        .until(() -> Pipelines.managedObjects(cluster).isEmpty());

    LocalCluster.Result install = helm("install", RELEASE, CHART, "-f", "e2e/config/helm-install.yaml",
        "--wait", "--timeout", "3m");
    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(install.stdout()).contains("STATUS: deployed",
        "kubectl wait --for=condition=Ready metricspipeline/pulse");
    cluster.kubectl("rollout", "status", "-n", OPERATOR_NAMESPACE, "deployment/pulse-operator", "--timeout=60s")
        .ok();

    // The local kubelet: the Deployment's container as a process, with a token of the chart's
    // ServiceAccount, then the aggregator the operator provisions.
    cluster.script("up.sh", "--installed-operator", OPERATOR_NAMESPACE);
    Pipelines.awaitReady(cluster);
    JsonNode pipeline = Pipelines.pipeline(cluster);
    Pipelines.assertReadyAndCurrent(pipeline);
    assertThat(pipeline.at("/spec/namespace").asText()).isEqualTo(AGGREGATOR_NAMESPACE);
    assertThat(cluster.kubectl("get", "deployment", "-n", AGGREGATOR_NAMESPACE, "pulse-metrics").exitCode()).isZero();
    assertThat(cluster.kubectl("get", "lease", "-n", OPERATOR_NAMESPACE, "pulse-operator", "-o",
        "jsonpath={.spec.holderIdentity}").ok().stdout()).as("leader election in the chart's namespace").isNotBlank();
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(3))
        .until(() -> cluster.kubectl("top", "nodes").exitCode() == 0);

    // Only the chart's grants: its Role is in its aggregator namespace, not in make up's.
    assertThat(canI("list secrets -n " + AGGREGATOR_NAMESPACE)).isEqualTo("yes");
    assertThat(canI("list secrets -n pulse-system")).isEqualTo("no");
    assertThat(canI("list secrets -n kube-system")).isEqualTo("no");
    assertThat(canI("create pods -n " + AGGREGATOR_NAMESPACE)).isEqualTo("no");
    assertThat(canI("update leases/pulse-operator -n pulse-operator")).isEqualTo("no");
  }

  @Test
  @Order(3)
  void helmUpgradeRollsOutTheChangedValues() throws Exception {
    String before = cluster.kubectl("get", "deployment", "-n", OPERATOR_NAMESPACE, "pulse-operator", "-o",
        "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}").ok().stdout();
    LocalCluster.Result upgrade = helm("upgrade", RELEASE, CHART, "-f", "e2e/config/helm-upgrade.yaml",
        "--wait", "--timeout", "3m");
    assertThat(upgrade.exitCode()).as(upgrade.stderr()).isZero();
    assertThat(upgrade.stdout()).contains("REVISION: 2");

    cluster.kubectl("rollout", "status", "-n", OPERATOR_NAMESPACE, "deployment/pulse-operator", "--timeout=60s")
        .ok();
    JsonNode operator = cluster.json("get", "deployment", "-n", OPERATOR_NAMESPACE, "pulse-operator", "-o", "json");
    assertThat(operator.at("/metadata/annotations").path("deployment.kubernetes.io/revision").asInt())
        .as("a new ReplicaSet").isEqualTo(Integer.parseInt(before) + 1);
    JsonNode resources = operator.at("/spec/template/spec/containers/0/resources");
    assertThat(resources.at("/requests/cpu").asText()).isEqualTo("150m");
    assertThat(resources.at("/limits/memory").asText()).isEqualTo("640Mi");
    assertThat(operator.at("/status/updatedReplicas").asInt()).isEqualTo(1);

    // The pipeline's values reach the aggregator through the operator.
    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(cluster.json("get", "deployment", "-n", AGGREGATOR_NAMESPACE, "pulse-metrics", "-o", "json")
          .at("/spec/template/spec/containers/0/args").toString()).contains("--metric-resolution=20s");
      Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster));
    });
  }

  @Test
  @Order(4)
  void helmUninstallLeavesNothingBehindButTheCrd() throws Exception {
    LocalCluster.Result uninstall = helm("uninstall", RELEASE, "--wait", "--timeout", "3m");
    assertThat(uninstall.exitCode()).as(uninstall.stderr()).isZero();
    // Its ServiceAccount is gone, so its token with it: the process has nothing left to do.
    cluster.stop("operator");
    cluster.stop("aggregator");

    await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(cluster.kubectl("get", "namespace", OPERATOR_NAMESPACE, AGGREGATOR_NAMESPACE, "--ignore-not-found",
          "-o", "name").ok().stdout()).as("the chart's namespaces and all in them").isEmpty();
      assertThat(cluster.kubectl("get", "clusterrole,clusterrolebinding", "-l",
          "app.kubernetes.io/name=pulse-operator", "-o", "name").ok().stdout()).as("the chart's RBAC").isEmpty();
      assertThat(cluster.kubectl("get", "metricspipelines", "-o", "name").ok().stdout()).isEmpty();
      assertThat(Pipelines.managedObjects(cluster)).as("what the operator created for the pipeline").isEmpty();
    });
    assertThat(helm("list", "--all-namespaces", "--all", "-q").ok().stdout()).isBlank();
    assertThat(cluster.kubectl("get", "secrets", "-n", RELEASE_NAMESPACE, "-l", "owner=helm,name=" + RELEASE,
        "-o", "name").ok().stdout()).as("the release's records").isEmpty();
    // Helm installs crds/ but never upgrades or deletes it: deleting a CRD deletes every pipeline.
    assertThat(cluster.kubectl("get", "crd", "metricspipelines.pulse.dev").exitCode()).isZero();
  }

  private static String canI(String action) throws Exception {
    return cluster.kubectl(("auth can-i " + action + " --as=" + OPERATOR).split(" ")).stdout().strip();
  }

  /** helm against the local cluster, its caches and settings kept in .pulse/helm. */
  private static LocalCluster.Result helm(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(helm.toString(), "--kubeconfig", cluster.kubeconfig().toString(),
        "--namespace", RELEASE_NAMESPACE));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(cluster.repo().toFile());
    Path home = cluster.repo().resolve(".pulse/helm");
    Map<String, String> env = builder.environment();
    env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
    env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
    env.put("HELM_DATA_HOME", home.resolve("data").toString());
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(4, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("helm " + String.join(" ", args) + " did not finish in 4 minutes");
    }
    LocalCluster.Result result = new LocalCluster.Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
    System.out.println("helm " + String.join(" ", args) + " -> exit " + result.exitCode() + "\n" + result.stderr());
    return result;
  }

  /**
   * The same objects, field for field. Numbers by value: kustomize writes the CRD's 65535.0 (a
   * double in the generated schema) as 65535, which the API server stores alike.
   */
  private static void assertSameObjects(Map<String, JsonNode> actual, Map<String, JsonNode> expected) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((key, object) -> assertThat(actual.get(key).equals(SAME_VALUE, object))
        .as("%s is as in install.yaml:%n%s%nbut is%n%s", key, object, actual.get(key)).isTrue());
  }

  private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> a.equals(b)
      || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

  private static Map<String, JsonNode> installYaml() throws IOException {
    return objects(Files.readString(cluster.repo().resolve("config/install.yaml")));
  }

  /** The objects of a multi-document YAML stream by "Kind namespace/name". */
  private static Map<String, JsonNode> objects(String yaml) throws IOException {
    Map<String, JsonNode> objects = new TreeMap<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode object = documents.next();
        if (object == null || object.isEmpty()) {
          continue;
        }
        String key = object.path("kind").asText() + " " + object.at("/metadata/namespace").asText("") + "/"
            + object.at("/metadata/name").asText();
        assertThat(objects.put(key, object)).as("%s twice", key).isNull();
      }
    }
    return objects;
  }
}
