package dev.pulse.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineSpec;
import dev.pulse.operator.dependent.DeploymentDependentResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code config/samples}: the minimal pipeline, and the full one that shows every field at its
 * default. A field added to the API without a place in the full sample fails here.
 */
class SamplesTest {

  static final Path MINIMAL = Path.of("../config/samples/metricspipeline.yaml");
  static final Path FULL = Path.of("../config/samples/metricspipeline-full.yaml");
  /** Unset by default, and with no value that means the same: shown commented out. */
  static final Set<String> COMMENTED_OUT = Set.of("image", "imagePullPolicy", "kubelet.tls.caSecretRef", "affinity",
      "securePort", "monitoring.serviceMonitor.bearerTokenSecret", "monitoring.serviceMonitor.labels",
      "monitoring.prometheusRule.labels");

  @Test
  void bothSamplesAreMetricsPipelines() throws IOException {
    for (Path sample : List.of(MINIMAL, FULL)) {
      MetricsPipeline pipeline = Serialization.unmarshal(Files.readString(sample), MetricsPipeline.class);
      assertThat(pipeline.getApiVersion()).as(sample.toString()).isEqualTo("pulse.dev/v1alpha1");
      assertThat(pipeline.getMetadata().getName()).as(sample.toString()).isEqualTo("pulse");
    }
  }

  @Test
  void theFullSampleShowsEveryField() throws IOException {
    JsonNode spec = new YAMLMapper().readTree(Files.readString(FULL)).get("spec");
    List<String> missing = new ArrayList<>();
    collectMissing(MetricsPipelineSpec.class, spec, "", missing);
    assertThat(missing).as("fields of the API absent from %s", FULL).isEmpty();
    String text = Files.readString(FULL);
    for (String path : COMMENTED_OUT) {
      String field = path.substring(path.lastIndexOf('.') + 1);
      assertThat(text).as("%s commented out in %s", path, FULL)
          .containsPattern(Pattern.compile("^\\s*# " + field + ":", Pattern.MULTILINE));
    }
  }

  /** The values it shows are the defaults the CRD applies. */
  @Test
  void theFullSampleSetsTheCrdsDefaults() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(InstallManifests.CRD),
        CustomResourceDefinition.class);
    JSONSchemaProps schema = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties()
        .get("spec");
    JsonNode spec = new YAMLMapper().readTree(Files.readString(FULL)).get("spec");
    List<String> checked = new ArrayList<>();
    compareDefaults(schema, spec, "spec", checked);
    assertThat(checked).as("defaulted fields compared: %s", checked).hasSizeGreaterThan(10);
  }

  /** And so it describes the same aggregator as the minimal one. */
  @Test
  void theFullSampleRunsWhatTheMinimalOneRuns() throws IOException {
    MetricsPipeline minimal = Serialization.unmarshal(Files.readString(MINIMAL), MetricsPipeline.class);
    MetricsPipeline full = Serialization.unmarshal(Files.readString(FULL), MetricsPipeline.class);
    // As the API server stores them: an empty list is no list.
    assertThat(Serialization.asYaml(DeploymentDependentResource.desired(full, InstallManifests.AGGREGATOR_IMAGE, "h")))
        .isEqualTo(Serialization.asYaml(DeploymentDependentResource.desired(minimal, InstallManifests.AGGREGATOR_IMAGE, "h")));
    ObjectMapper json = new ObjectMapper();
    JsonNode fullCertificates = json.valueToTree(full.getSpec().getCertificates());
    JsonNode minimalCertificates = json.valueToTree(minimal.getSpec().getCertificates());
    assertThat(fullCertificates).isEqualTo(minimalCertificates);
    assertThat(full.getSpec().getApiService().getTakeover()).isEqualTo(minimal.getSpec().getApiService().getTakeover());
  }

  /** Recurses into the API's own classes; Kubernetes types (resources, tolerations) are leaves. */
  private static void collectMissing(Class<?> type, JsonNode node, String prefix, List<String> missing) {
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      String path = prefix + field.getName();
      JsonNode value = node == null ? null : node.get(field.getName());
      if (value == null) {
        if (!COMMENTED_OUT.contains(path)) {
          missing.add(path);
        }
      } else if (field.getType().getPackage() == MetricsPipelineSpec.class.getPackage() && !field.getType().isEnum()) {
        collectMissing(field.getType(), value, path + ".", missing);
      }
    }
  }

  private static void compareDefaults(JSONSchemaProps schema, JsonNode value, String path, List<String> checked) {
    if (schema.getDefault() != null) {
      assertThat(value).as("%s: the CRD's default", path).isEqualTo(schema.getDefault());
      checked.add(path);
    }
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    if (properties == null || value == null) {
      return;
    }
    properties.forEach((name, property) -> {
      if (value.has(name)) {
        compareDefaults(property, value.get(name), path + "." + name, checked);
      }
    });
  }
}
