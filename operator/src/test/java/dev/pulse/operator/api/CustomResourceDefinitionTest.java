package dev.pulse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD in {@code crds/} is what the build generates from this package, and says what users
 * rely on. The generator (crd-generator-maven-plugin) runs before the tests.
 */
class CustomResourceDefinitionTest {

  static final String FILE = "metricspipelines.pulse.dev-v1.yml";
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8", FILE);
  static final Path CHECKED_IN = Path.of("../crds", FILE);
  static final String REFRESH = "make manifests";

  @Test
  void theCheckedInCrdIsTheGeneratedOne() throws IOException {
    assertThat(CHECKED_IN).as("%s is missing; create it with: %s", CHECKED_IN, REFRESH).exists();
    assertThat(Files.readString(CHECKED_IN))
        .as("crds/%s is stale: the API types in dev.pulse.operator.api changed. Refresh it with: %s", FILE, REFRESH)
        .isEqualTo(Files.readString(GENERATED));
  }

  @Test
  void aClusterScopedResourceWithShortNameAndStatus() throws IOException {
    CustomResourceDefinition crd = crd();
    assertThat(crd.getMetadata().getName()).isEqualTo("metricspipelines.pulse.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("MetricsPipeline");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("mp");
    assertThat(version(crd).getName()).isEqualTo("v1alpha1");
    assertThat(version(crd).getSubresources().getStatus()).isNotNull();
  }

  @Test
  void printerColumnsShowReadinessFromTheReadyConditionAndScrapedOfSelectedNodes() throws IOException {
    assertThat(version(crd()).getAdditionalPrinterColumns())
        .extracting(c -> c.getName() + " " + c.getJsonPath())
        .containsExactlyInAnyOrder(
            "Ready .status.conditions[?(@.type==\"Ready\")].status",
            "Reason .status.conditions[?(@.type=='Ready')].reason",
            "Nodes .status.nodes.summary",
            "Age .metadata.creationTimestamp");
  }

  @Test
  void everySpecFieldIsDescribedAndOptional() throws IOException {
    JSONSchemaProps spec = spec();
    assertThat(spec.getRequired()).isNullOrEmpty();
    assertThat(spec.getProperties()).allSatisfy((name, field) -> assertThat(field.getDescription()).as(name).isNotBlank());
  }

  @Test
  void defaultsAreInTheSchema() throws IOException {
    JSONSchemaProps spec = spec();
    assertThat(spec.getProperties().get("namespace").getDefault().asText()).isEqualTo("pulse-system");
    assertThat(spec.getProperties().get("replicas").getDefault().asInt()).isEqualTo(1);
    assertThat(spec.getProperties().get("metricResolution").getDefault().asText()).isEqualTo("15s");
    assertThat(spec.getProperties().get("priorityClassName").getDefault().asText()).isEqualTo("system-cluster-critical");
    JSONSchemaProps kubelet = spec.getProperties().get("kubelet");
    assertThat(kubelet.getProperties().get("useNodeStatusPort").getDefault().asBoolean()).isTrue();
    assertThat(kubelet.getProperties().get("tls").getProperties().get("mode").getDefault().asText()).isEqualTo("ClusterCA");
    assertThat(spec.getProperties().get("apiService").getProperties().get("takeover").getDefault().asText())
        .isEqualTo("Never");
    assertThat(spec.getProperties().get("certificates").getProperties().get("validity").getDefault().asText())
        .isEqualTo("8760h");
  }

  @Test
  void celRulesGuardWhatTheSchemaCannot() throws IOException {
    JSONSchemaProps spec = spec();
    assertThat(rules(spec)).anySatisfy(r -> assertThat(r.getRule()).contains("duration(self.kubelet.requestTimeout)"));
    assertThat(rules(spec.getProperties().get("metricResolution")))
        .anySatisfy(r -> assertThat(r.getRule()).isEqualTo("duration(self) >= duration('1s')"));
    assertThat(rules(spec.getProperties().get("namespace")))
        .anySatisfy(r -> assertThat(r.getRule()).isEqualTo("self == oldSelf"));
    assertThat(rules(spec.getProperties().get("kubelet").getProperties().get("tls")))
        .extracting(ValidationRule::getMessage)
        .anySatisfy(m -> assertThat(m).contains("required when kubelet.tls.mode is CustomCA"))
        .anySatisfy(m -> assertThat(m).contains("only read with kubelet.tls.mode CustomCA"));
    assertThat(rules(spec.getProperties().get("certificates")))
        .anySatisfy(r -> assertThat(r.getRule()).contains("duration(self.renewBefore) < duration(self.validity)"));
    assertThat(rules(spec.getProperties().get("extraArgs")))
        .anySatisfy(r -> assertThat(r.getMessage()).contains("--metric-resolution"));
    assertThat(rules(version(crd()).getSchema().getOpenAPIV3Schema()))
        .anySatisfy(r -> assertThat(r.getMessage()).contains("spec.namespace is immutable"));
  }

  /** CEL's cost budget needs bounds on every list and string a rule iterates over. */
  @Test
  void rulesOnListsHaveBoundedItems() throws IOException {
    JSONSchemaProps extraArgs = spec().getProperties().get("extraArgs");
    assertThat(extraArgs.getMaxItems()).isNotNull();
    assertThat(extraArgs.getItems().getSchema().getMaxLength()).isNotNull();
  }

  private static List<ValidationRule> rules(JSONSchemaProps props) {
    return props.getXKubernetesValidations() == null ? List.of() : props.getXKubernetesValidations();
  }

  private static CustomResourceDefinition crd() throws IOException {
    return new KubernetesSerialization().unmarshal(Files.readString(CHECKED_IN), CustomResourceDefinition.class);
  }

  private static CustomResourceDefinitionVersion version(CustomResourceDefinition crd) {
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    return crd.getSpec().getVersions().get(0);
  }

  private static JSONSchemaProps spec() throws IOException {
    return version(crd()).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }
}
