package dev.pulse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.metrics.config.AggregatorOptions;
import dev.pulse.operator.api.ImagePullPolicy;
import dev.pulse.operator.api.KubeletTlsMode;
import dev.pulse.operator.api.KubeletTlsSpec;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineSpec;
import dev.pulse.operator.api.NodeAddressType;
import dev.pulse.operator.api.SecretKeyReference;
import dev.pulse.operator.model.AggregatorFlags;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.testing.Pipelines;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DeploymentDependentResourceTest {

  private static final String IMAGE = "ghcr.io/pulse/pulse-aggregator:0.1.0";
  private static final String HASH = "0123abcd";

  @Test
  void podsMeetTheRestrictedPodSecurityStandard() {
    PodSpec pod = podSpec(deployment(spec -> { }));
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getContainers()).hasSize(1);
    var security = pod.getContainers().get(0).getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getPrivileged()).isNull();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // Only volume types the restricted profile allows.
    assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getSecret() != null || v.getEmptyDir() != null).isTrue());
  }

  @Test
  void probesAreHttpsOnTheServingPort() {
    Container container = container(deployment(spec -> { }));
    assertThat(container.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getContainerPort()).isEqualTo(10250);
      assertThat(port.getName()).isEqualTo("https");
    });
    assertThat(List.of(container.getLivenessProbe(), container.getStartupProbe())).allSatisfy(probe ->
        assertHttps(probe, "/livez"));
    assertHttps(container.getReadinessProbe(), "/readyz");
  }

  @Test
  void servesTheMountedServingCertificate() {
    Deployment deployment = deployment(spec -> { });
    Container container = container(deployment);
    assertThat(container.getArgs()).contains(
        "--secure-port=10250",
        "--tls-cert-file=/etc/pulse/serving/tls.crt",
        "--tls-private-key-file=/etc/pulse/serving/tls.key");
    Volume serving = podSpec(deployment).getVolumes().stream()
        .filter(v -> v.getSecret() != null && Names.SERVING_SECRET.equals(v.getSecret().getSecretName()))
        .findFirst().orElseThrow();
    assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
      assertThat(mount.getName()).isEqualTo(serving.getName());
      assertThat(mount.getMountPath()).isEqualTo("/etc/pulse/serving");
      assertThat(mount.getReadOnly()).isTrue();
    });
    assertThat(serving.getSecret().getItems()).extracting(i -> i.getPath()).containsExactly("tls.crt", "tls.key");
  }

  @Test
  void theServingCertificateHashIsOnThePodTemplate() {
    Deployment deployment = deployment(spec -> { });
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(Names.SERVING_CERT_HASH_ANNOTATION, HASH);
  }

  @Test
  void defaultsFollowTheSpecsDefaults() {
    Deployment deployment = deployment(spec -> { });
    PodSpec pod = podSpec(deployment);
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo("pulse-system");
    assertThat(deployment.getMetadata().getName()).isEqualTo(Names.DEPLOYMENT);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(pod.getServiceAccountName()).isEqualTo(Names.SERVICE_ACCOUNT);
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("kubernetes.io/os", "linux"));
    assertThat(container(deployment).getImage()).isEqualTo(IMAGE);
    assertThat(container(deployment).getImagePullPolicy()).isNull();
    assertThat(container(deployment).getResources().getRequests())
        .containsEntry("cpu", new Quantity("100m")).containsEntry("memory", new Quantity("200Mi"));
    assertThat(container(deployment).getArgs()).containsExactly(
        "--secure-port=10250",
        "--tls-cert-file=/etc/pulse/serving/tls.crt",
        "--tls-private-key-file=/etc/pulse/serving/tls.key",
        "--metric-resolution=15s",
        "--kubelet-port=10250",
        "--kubelet-use-node-status-port",
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--kubelet-request-timeout=10s");
  }

  @Test
  void argsAndPodSettingsReflectTheSpec() {
    var resources = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("1")).build();
    var toleration = new TolerationBuilder().withKey("dedicated").withOperator("Exists").build();
    Deployment deployment = deployment(spec -> {
      spec.setNamespace("monitoring");
      spec.setImage("registry.local/pulse:dev");
      spec.setImagePullPolicy(ImagePullPolicy.Always);
      spec.setMetricResolution("30s");
      spec.getKubelet().setPort(10255);
      spec.getKubelet().setUseNodeStatusPort(false);
      spec.getKubelet().setPreferredAddressTypes(List.of(NodeAddressType.Hostname, NodeAddressType.InternalIP));
      spec.getKubelet().setRequestTimeout("20s");
      spec.setNodeSelectorForScraping("eks.amazonaws.com/compute-type!=fargate");
      spec.setExtraArgs(List.of("--kubelet-max-concurrency=16"));
      spec.setResources(resources);
      spec.setNodeSelector(Map.of("node-role", "infra"));
      spec.setTolerations(List.of(toleration));
      spec.setPriorityClassName("high");
    });
    Container container = container(deployment);
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(container.getImage()).isEqualTo("registry.local/pulse:dev");
    assertThat(container.getImagePullPolicy()).isEqualTo("Always");
    assertThat(container.getResources()).isEqualTo(resources);
    assertThat(podSpec(deployment).getNodeSelector()).containsExactly(Map.entry("node-role", "infra"));
    assertThat(podSpec(deployment).getTolerations()).containsExactly(toleration);
    assertThat(podSpec(deployment).getPriorityClassName()).isEqualTo("high");
    assertThat(container.getArgs())
        .contains("--metric-resolution=30s", "--kubelet-port=10255", "--kubelet-request-timeout=20s",
            "--kubelet-preferred-address-types=Hostname,InternalIP",
            "--node-selector=eks.amazonaws.com/compute-type!=fargate")
        .doesNotContain("--kubelet-use-node-status-port")
        .endsWith("--kubelet-max-concurrency=16");
  }

  @Test
  void kubeletTlsModes() {
    assertThat(container(deployment(spec -> { })).getArgs())
        .noneMatch(a -> a.startsWith("--kubelet-insecure-tls") || a.startsWith("--kubelet-certificate-authority"));

    assertThat(container(deployment(spec -> spec.getKubelet().getTls().setMode(KubeletTlsMode.Insecure))).getArgs())
        .contains("--kubelet-insecure-tls")
        .noneMatch(a -> a.startsWith("--kubelet-certificate-authority"));

    Deployment custom = deployment(spec -> {
      var tls = new KubeletTlsSpec();
      tls.setMode(KubeletTlsMode.CustomCA);
      tls.setCaSecretRef(new SecretKeyReference("kubelet-ca", "bundle.pem"));
      spec.getKubelet().setTls(tls);
    });
    assertThat(container(custom).getArgs()).contains("--kubelet-certificate-authority=/etc/pulse/kubelet-ca/ca.crt")
        .doesNotContain("--kubelet-insecure-tls");
    Volume ca = podSpec(custom).getVolumes().stream()
        .filter(v -> v.getSecret() != null && "kubelet-ca".equals(v.getSecret().getSecretName()))
        .findFirst().orElseThrow();
    assertThat(ca.getSecret().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getKey()).isEqualTo("bundle.pem");
      assertThat(item.getPath()).isEqualTo("ca.crt");
    });
    assertThat(container(custom).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/pulse/kubelet-ca"));
  }

  @Test
  void oneReplicaNeverGoesBelowOneServingPod() {
    Deployment deployment = deployment(spec -> { });
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(podSpec(deployment).getAffinity()).isNull();
  }

  @Test
  void severalReplicasGoToDistinctNodes() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.setReplicas(3));
    Deployment deployment = DeploymentDependentResource.desired(pipeline, IMAGE, HASH);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
    var terms = podSpec(deployment).getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(terms).singleElement().satisfies(term -> {
      assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(term.getLabelSelector().getMatchLabels()).isEqualTo(Names.selector(pipeline));
    });
  }

  @Test
  void theSelectorMatchesThePodsAndUsesTheLabelsFromNames() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    Deployment deployment = DeploymentDependentResource.desired(pipeline, IMAGE, HASH);
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(Names.selector(pipeline));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(Names.labels(pipeline, Component.AGGREGATOR));
    assertThat(deployment.getMetadata().getLabels()).isEqualTo(Names.labels(pipeline, Component.AGGREGATOR));
  }

  /** The contract with metrics-core: what the operator passes, the aggregator accepts. */
  @Test
  void theAggregatorAcceptsTheFlags() {
    List<Consumer<MetricsPipelineSpec>> specs = List.of(
        spec -> { },
        spec -> {
          spec.setMetricResolution("1m");
          spec.getKubelet().setRequestTimeout("45s");
          spec.getKubelet().getTls().setMode(KubeletTlsMode.Insecure);
          spec.setNodeSelectorForScraping("pulse-skip!=true");
          spec.setExtraArgs(List.of("--kubelet-max-concurrency=8", "--tls-reload-interval=30s"));
        },
        spec -> {
          var tls = new KubeletTlsSpec();
          tls.setMode(KubeletTlsMode.CustomCA);
          tls.setCaSecretRef(new SecretKeyReference("kubelet-ca", "ca.crt"));
          spec.getKubelet().setTls(tls);
          spec.getKubelet().setUseNodeStatusPort(false);
          spec.getKubelet().setPreferredAddressTypes(List.of(NodeAddressType.InternalDNS));
        });
    for (Consumer<MetricsPipelineSpec> edit : specs) {
      List<String> args = container(deployment(edit)).getArgs();
      AggregatorOptions options = new AggregatorOptions();
      new CommandLine(options).parseArgs(args.toArray(String[]::new));
      assertThat(options.validate()).as("%s", args).isEmpty();
      assertThat(options.securePort).isEqualTo(10250);
      assertThat(options.tlsCertFile).isEqualTo(Path.of("/etc/pulse/serving/tls.crt"));
      assertThat(options.metricResolution).isGreaterThanOrEqualTo(Duration.ofSeconds(15));
    }
  }

  /** spec.extraArgs cannot repeat a flag the operator sets: the aggregator would refuse to start. */
  @Test
  void everyFlagTheOperatorSetsIsOffLimitsForExtraArgs() {
    Pattern managed = Pattern.compile(AggregatorFlags.MANAGED_PATTERN);
    List<String> args = DeploymentDependentResource.args(Pipelines.pipeline(spec -> {
      spec.getKubelet().getTls().setMode(KubeletTlsMode.Insecure);
      spec.setNodeSelectorForScraping("a=b");
    }).getSpec());
    assertThat(args).allMatch(a -> managed.matcher(a).matches());
    var custom = new KubeletTlsSpec();
    custom.setMode(KubeletTlsMode.CustomCA);
    custom.setCaSecretRef(new SecretKeyReference("x", "ca.crt"));
    assertThat(DeploymentDependentResource.args(Pipelines.pipeline(spec -> spec.getKubelet().setTls(custom)).getSpec()))
        .allMatch(a -> managed.matcher(a).matches());
    assertThat(List.of("-l", "-lkey=value", "--node-selector", "--kubeconfig=/x", "--metric-resolution"))
        .allMatch(a -> managed.matcher(a).matches());
    assertThat(List.of("--kubelet-max-concurrency=8", "--tls-reload-interval=1m", "--kubelet-portal",
        "--kubelet-client-certificate=/x", "--bind-address=0.0.0.0"))
        .noneMatch(a -> managed.matcher(a).matches());
  }

  private static void assertHttps(Probe probe, String path) {
    assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("https");
    assertThat(probe.getTimeoutSeconds()).isGreaterThan(1);
  }

  private static Deployment deployment(Consumer<MetricsPipelineSpec> edit) {
    return DeploymentDependentResource.desired(Pipelines.pipeline(edit), IMAGE, HASH);
  }

  private static PodSpec podSpec(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec();
  }

  private static Container container(Deployment deployment) {
    return podSpec(deployment).getContainers().get(0);
  }
}
