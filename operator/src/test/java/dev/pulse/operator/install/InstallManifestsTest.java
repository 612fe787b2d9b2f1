package dev.pulse.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.OperatorMain;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.model.PodSecurity;
import dev.pulse.operator.observability.ObservabilityServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.RelatedImage;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDetailsDeployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the checked-in install manifests, bundle and Dockerfile promise, read from the files. */
class InstallManifestsTest {

  static final Path REPOSITORY = Path.of("..");

  @Test
  void olmInstallsWhatKubectlApplyInstalls() throws IOException {
    StrategyDetailsDeployment install = csv().getSpec().getInstall().getSpec();
    assertThat(install.getClusterPermissions()).singleElement().satisfies(p -> {
      assertThat(p.getServiceAccountName()).isEqualTo(InstallManifests.NAME);
      assertThat(p.getRules()).isEqualTo(config("rbac.yaml", ClusterRole.class).getRules());
    });
    // OLM grants the one set of namespaced permissions in the operator's namespace and in the
    // target namespaces; install.yaml has a Role for each.
    Map<String, Role> roles = all("rbac.yaml", Role.class).stream()
        .collect(Collectors.toMap(role -> role.getMetadata().getNamespace(), role -> role));
    assertThat(install.getPermissions()).singleElement().satisfies(p -> {
      assertThat(p.getServiceAccountName()).isEqualTo(InstallManifests.NAME);
      assertThat(p.getRules()).containsExactlyInAnyOrderElementsOf(Stream.concat(
          roles.get(InstallManifests.NAMESPACE).getRules().stream(),
          roles.get(InstallManifests.AGGREGATOR_NAMESPACE).getRules().stream()).toList());
    });
    Deployment installed = config("deployment.yaml", Deployment.class);
    assertThat(install.getDeployments()).singleElement().satisfies(d -> {
      assertThat(d.getName()).isEqualTo(InstallManifests.NAME);
      assertThat(withoutEnv(d.getSpec(), AggregatorNamespaces.ENV))
          .isEqualTo(withoutEnv(installed.getSpec(), AggregatorNamespaces.ENV));
      assertThat(env(d.getSpec()).get(AggregatorNamespaces.ENV).getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.annotations['olm.targetNamespaces']");
    });
    assertThat(env(installed.getSpec()).get(AggregatorNamespaces.ENV).getValue())
        .isEqualTo(InstallManifests.AGGREGATOR_NAMESPACE);
  }

  private static Map<String, EnvVar> env(DeploymentSpec spec) {
    return spec.getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  private static DeploymentSpec withoutEnv(DeploymentSpec spec, String name) {
    DeploymentSpec copy = new DeploymentSpecBuilder(spec).build();
    copy.getTemplate().getSpec().getContainers().get(0).getEnv().removeIf(e -> e.getName().equals(name));
    return copy;
  }

  @Test
  void theOperatorPodMeetsTheRestrictedPodSecurityStandard() throws IOException {
    PodSpec pod = config("deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).isEmpty();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void probesReachTheAddressTheOperatorListensOn() throws IOException {
    Container container = config("deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    String address = env.get(ObservabilityServer.ADDRESS_ENV).getValue();
    assertThat(ObservabilityServer.parseAddress(address).getAddress().isAnyLocalAddress())
        .as("the kubelet probes the pod's IP").isTrue();
    assertThat(container.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getContainerPort()).isEqualTo(ObservabilityServer.parseAddress(address).getPort());
      assertThat(List.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe()))
          .allSatisfy(probe -> assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(port.getName()));
    });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(env.get(OperatorMain.POD_NAMESPACE).getValueFrom().getFieldRef().getFieldPath())
        .as("leader election in the pod's namespace").isEqualTo("metadata.namespace");
  }

  @Test
  void imagesAgreeAcrossTheOperatorTheManifestsAndTheDockerfile() throws IOException {
    Container container = config("deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    String aggregatorImage = container.getEnv().stream().filter(e -> e.getName().equals(OperatorMain.IMAGE))
        .findFirst().orElseThrow().getValue();
    assertThat(aggregatorImage).isEqualTo(OperatorMain.DEFAULT_IMAGE)
        .endsWith(":" + InstallManifests.RELEASE);
    assertThat(container.getImage()).endsWith(":" + InstallManifests.RELEASE);
    assertThat(csv().getSpec().getRelatedImages()).extracting(RelatedImage::getImage)
        .containsExactlyInAnyOrder(container.getImage(), aggregatorImage);
    assertThat(csv().getSpec().getVersion()).isEqualTo(InstallManifests.RELEASE);

    String dockerfile = Files.readString(REPOSITORY.resolve("Dockerfile"));
    for (String image : List.of(container.getImage(), aggregatorImage)) {
      String target = image.substring(image.lastIndexOf('/') + 1, image.lastIndexOf(':'));
      assertThat(dockerfile).as("a Dockerfile target per image").contains(" AS " + target + "\n");
    }
    assertThat(dockerfile).as("the user the pods run as").contains("USER " + PodSecurity.USER + ":");
  }

  /** The image and `make up` start each JVM with the same options file, sized from the container's limit. */
  @Test
  void eachImageStartsItsJvmWithItsModulesOptions() throws IOException {
    String dockerfile = Files.readString(REPOSITORY.resolve("Dockerfile"));
    String ignore = Files.readString(REPOSITORY.resolve("Dockerfile.dockerignore"));
    for (String module : List.of("metrics-core", "operator")) {
      assertThat(dockerfile).contains("COPY " + module + "/jvm.options /opt/pulse/jvm.options");
      assertThat(ignore).contains("!" + module + "/jvm.options");
      assertThat(Files.readAllLines(REPOSITORY.resolve(module).resolve("jvm.options")))
          .as("heap from the container's limit, and an OOM ends the process")
          .contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
    }
    assertThat(dockerfile.lines().filter(l -> l.startsWith("ENTRYPOINT"))).hasSize(2).allSatisfy(l ->
        assertThat(l).contains("\"@/opt/pulse/jvm.options\", \"-XX:SharedArchiveFile=/opt/pulse/"));
  }

  /**
   * Each image dumps a class-data archive from its module's class list, which make up dumps too,
   * and maps it: a Pulse class the list names that no longer exists (renamed, moved) is one the
   * archive lacks.
   */
  @Test
  void eachImageDumpsAndMapsTheClassDataArchiveOfItsModulesClassList() throws IOException {
    String dockerfile = Files.readString(REPOSITORY.resolve("Dockerfile"));
    String ignore = Files.readString(REPOSITORY.resolve("Dockerfile.dockerignore"));
    for (Map.Entry<String, String> module : Map.of("metrics-core", "pulse-aggregator", "operator", "pulse-operator")
        .entrySet()) {
      assertThat(dockerfile).contains("COPY " + module.getKey() + "/cds.classlist /opt/pulse/cds.classlist");
      assertThat(ignore).contains("!" + module.getKey() + "/cds.classlist");
      String archive = "\"-XX:SharedArchiveFile=/opt/pulse/" + module.getValue() + ".jsa\"";
      assertThat(dockerfile.split(Pattern.quote(archive), -1)).as("dumped, then mapped: " + archive).hasSize(3);

      List<String> own = Files.readAllLines(REPOSITORY.resolve(module.getKey()).resolve("cds.classlist")).stream()
          .filter(line -> line.startsWith("dev/pulse/"))
          .map(line -> line.split(" ", 2)[0])
          .toList();
      assertThat(own).as(module.getKey() + "/cds.classlist names the module's classes").hasSizeGreaterThan(50);
      assertThat(own).as("classes that no longer exist: regenerate the list with make class-lists")
          .filteredOn(name -> getClass().getClassLoader().getResource(name + ".class") == null).isEmpty();
    }
  }

  /** No wildcard, no escalate, no impersonation, binding only named roles. */
  @Test
  void theClusterRoleHasNoBroadGrants() throws IOException {
    List<PolicyRule> rules = config("rbac.yaml", ClusterRole.class).getRules();
    assertThat(rules).allSatisfy(rule -> {
      assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "impersonate", "deletecollection");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
      if (rule.getVerbs().contains("bind")) {
        assertThat(rule.getResourceNames()).as("bind restricted to names").isNotEmpty();
      }
    });
  }

  private static ClusterServiceVersion csv() throws IOException {
    return Serialization.unmarshal(Files.readString(REPOSITORY.resolve(OlmBundle.CSV_FILE)), ClusterServiceVersion.class);
  }

  /** The first {@code kind} in a file of one or more documents. */
  private static <T extends HasMetadata> T config(String file, Class<T> kind) throws IOException {
    return all(file, kind).stream().findFirst().orElseThrow();
  }

  private static <T extends HasMetadata> List<T> all(String file, Class<T> kind) throws IOException {
    Object parsed = Serialization.unmarshal(Files.readString(REPOSITORY.resolve("config").resolve(file)));
    List<?> objects = parsed instanceof List<?> list ? list : List.of(parsed);
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
