package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The install manifests and the OLM bundle as the real API server judges them. The operator of
 * {@code make up} already runs as the CSV's ServiceAccount with exactly the CSV's permissions
 * (e2e/lib/pulse.sh does what OLM does with them), so every other e2e test proves those
 * permissions are enough; this one shows they are not more than the job needs.
 */
@ExtendWith(LocalCluster.Extension.class)
class InstallManifestsE2E {

  private static final String OPERATOR = "system:serviceaccount:pulse-operator:pulse-operator";
  private static final String CSV = "bundle/manifests/pulse-operator.clusterserviceversion.yaml";

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) {
    cluster = localCluster;
  }

  @Test
  void theInstallManifestsAreAcceptedByTheApiServer() throws Exception {
    LocalCluster.Result apply = cluster.kubectl("apply", "--dry-run=server", "-f",
        cluster.repo().resolve("config/install.yaml").toString());
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    assertThat(apply.stdout()).contains("deployment.apps/pulse-operator", "clusterrole.rbac.authorization.k8s.io/");
    assertThat(apply.stderr()).as("no warnings, e.g. of Pod Security").isEmpty();
  }

  @Test
  void theBundlesCrdAndTheCsvsDeploymentAreAcceptedAndItsPodMeetsRestrictedPodSecurity() throws Exception {
    LocalCluster.Result crd = cluster.kubectl("apply", "--dry-run=server", "-f",
        cluster.repo().resolve("bundle/manifests/metricspipelines.pulse.dev.crd.yaml").toString());
    assertThat(crd.exitCode()).as(crd.stderr()).isZero();

    JsonNode deployment = new YAMLMapper().readTree(Files.readString(cluster.repo().resolve(CSV)))
        .at("/spec/install/spec/deployments/0");
    ObjectMapper json = new ObjectMapper();
    ObjectNode asDeployment = json.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
    asDeployment.putObject("metadata").put("name", deployment.path("name").asText()).put("namespace", "pulse-operator");
    asDeployment.set("spec", deployment.path("spec"));
    LocalCluster.Result applied = cluster.kubectlWithInput(json.writeValueAsString(asDeployment),
        "apply", "--dry-run=server", "-f", "-");
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();

    // A namespace enforcing the restricted profile, with the operator's ServiceAccount: a pod of the
    // CSV's template must be admitted there.
    String namespace = "e2e-restricted";
    cluster.kubectlWithInput("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels: {pod-security.kubernetes.io/enforce: restricted}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: %s, namespace: %s}
        """.formatted(namespace, deployment.at("/spec/template/spec/serviceAccountName").asText(), namespace),
        "apply", "-f", "-").ok();
    try {
      ObjectNode pod = json.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
      pod.putObject("metadata").put("name", "pulse-operator-admission-check").put("namespace", namespace);
      pod.set("spec", deployment.at("/spec/template/spec"));
      LocalCluster.Result admitted = cluster.kubectlWithInput(json.writeValueAsString(pod),
          "create", "--dry-run=server", "-f", "-");
      assertThat(admitted.exitCode()).as(admitted.stderr()).isZero();
      assertThat(admitted.stderr()).as("no Pod Security warning").isEmpty();
    } finally {
      cluster.kubectl("delete", "namespace", namespace, "--wait=false").ok();
    }
  }

  @ParameterizedTest(name = "the operator may not {0}")
  @CsvSource({
      "'create pods -n pulse-system'",
      "'delete nodes'",
      "'get secrets -n kube-system'",
      "'list secrets -n kube-system'",
      "'list configmaps -n kube-system'",
      "'watch secrets --all-namespaces'",
      "'list deployments -n default'",
      "'create serviceaccounts -n kube-system'",
      "'update clusterroles/admin'",
      "'update clusterroles/cluster-admin'",
      "'escalate clusterroles'",
      "'bind clusterroles/cluster-admin'",
      "'update apiservices.apiregistration.k8s.io/v1.apps'",
      "'delete apiservices.apiregistration.k8s.io/v1beta1.metrics.k8s.io'",
      "'update rolebindings/system:controller:bootstrap-signer -n kube-system'",
      "'delete metricspipelines'",
      "'update leases/kube-controller-manager -n kube-system'",
  })
  void theOperatorHoldsNoMoreThanItsJobNeeds(String action) throws Exception {
    LocalCluster.Result canI = cluster.kubectl(("auth can-i " + action + " --as=" + OPERATOR).split(" "));
    assertThat(canI.stdout().strip()).as("kubectl auth can-i %s", action).isEqualTo("no");
  }

  /** Its target namespace is where it runs the aggregator: there, and only there, it owns these kinds. */
  @ParameterizedTest(name = "the operator may {0} in pulse-system")
  @CsvSource({"'list secrets'", "'watch deployments.apps'", "'update services'", "'delete poddisruptionbudgets.policy'"})
  void theOperatorManagesTheAggregatorsKindsInItsTargetNamespace(String action) throws Exception {
    LocalCluster.Result canI = cluster.kubectl(("auth can-i " + action + " -n pulse-system --as=" + OPERATOR)
        .split(" "));
    assertThat(canI.stdout().strip()).as("kubectl auth can-i %s -n pulse-system", action).isEqualTo("yes");
  }

  /** Its informer on the aggregation layer's CAs selects that one ConfigMap by name, which RBAC allows as such. */
  @Test
  void theOperatorListsTheAuthenticationConfigMapByNameOnly() throws Exception {
    LocalCluster.Result byName = cluster.kubectl("get", "configmaps", "-n", "kube-system",
        "--field-selector=metadata.name=extension-apiserver-authentication", "-o", "name", "--as=" + OPERATOR);
    assertThat(byName.exitCode()).as(byName.stderr()).isZero();
    assertThat(byName.stdout()).contains("configmap/extension-apiserver-authentication");
  }

  @Test
  void theOperatorCannotGrantItselfMoreThanItHolds() throws Exception {
    LocalCluster.Result bind = cluster.kubectl("create", "clusterrolebinding", "pulse-operator-escalation",
        "--clusterrole=cluster-admin", "--serviceaccount=pulse-operator:pulse-operator", "--as=" + OPERATOR,
        "--dry-run=server");
    assertThat(bind.exitCode()).isNotZero();
    assertThat(bind.stderr()).contains("forbidden");
  }
}
