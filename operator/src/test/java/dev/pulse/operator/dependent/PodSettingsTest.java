package dev.pulse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineSpec;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.testing.Pipelines;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The pod and Service settings of a pipeline (hostNetwork, securePort, imagePullSecrets, affinity,
 * topologySpreadConstraints, podLabels, podAnnotations, serviceAnnotations) in the desired objects,
 * and how a setting removed from the spec leaves them.
 */
class PodSettingsTest {

  private static final String HASH = "0123abcd";

  @Test
  void withoutTheSettingsThePodsAreWhatTheyWere() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    Deployment deployment = deployment(pipeline);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getDnsPolicy()).isNull();
    assertThat(pod.getImagePullSecrets()).isEmpty();
    assertThat(pod.getTopologySpreadConstraints()).isEmpty();
    assertThat(pod.getAffinity()).isNull();
    assertThat(container(deployment).getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getContainerPort()).isEqualTo(10250);
      assertThat(port.getHostPort()).isNull();
    });
    assertThat(container(deployment).getArgs()).contains("--secure-port=10250");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(Names.labels(pipeline, Component.AGGREGATOR));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).isEqualTo(Map.of(
        Names.SERVING_CERT_HASH_ANNOTATION, HASH, Names.DEFAULT_CONTAINER_ANNOTATION, Names.CONTAINER));
    assertThat(ServiceDependentResource.desired(pipeline, Optional.empty()).getMetadata().getAnnotations()).isEmpty();
  }

  @Test
  void emptySettingsAreNoSettings() {
    MetricsPipeline empty = Pipelines.pipeline(spec -> {
      spec.setHostNetwork(false);
      spec.setImagePullSecrets(List.of());
      spec.setTopologySpreadConstraints(List.of());
      spec.setPodLabels(Map.of());
      spec.setPodAnnotations(Map.of());
      spec.setServiceAnnotations(Map.of());
    });
    assertThat(deployment(empty)).isEqualTo(deployment(Pipelines.pipeline()));
    assertThat(ServiceDependentResource.desired(empty, Optional.empty()))
        .isEqualTo(ServiceDependentResource.desired(Pipelines.pipeline(), Optional.empty()));
  }

  @Test
  void hostNetworkPutsThePodsOnTheNodesNetworkOffTheKubeletsPort() {
    Deployment deployment = deployment(Pipelines.pipeline(spec -> spec.setHostNetwork(true)));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(container(deployment).getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo(DeploymentDependentResource.PORT_NAME);
      assertThat(port.getContainerPort()).isEqualTo(MetricsPipelineSpec.DEFAULT_HOST_NETWORK_SECURE_PORT);
      assertThat(port.getHostPort()).isEqualTo(MetricsPipelineSpec.DEFAULT_HOST_NETWORK_SECURE_PORT);
    });
    assertThat(container(deployment).getArgs()).contains("--secure-port=4443").doesNotContain("--secure-port=10250");
    // Everything else still meets restricted: only the namespace's level changes.
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container(deployment).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void theSecurePortIsServedProbedAndWhatTheServiceTargets() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> {
      spec.setHostNetwork(true);
      spec.setSecurePort(10251);
    });
    Deployment deployment = deployment(pipeline);
    assertThat(container(deployment).getArgs()).contains("--secure-port=10251");
    assertThat(container(deployment).getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getContainerPort()).isEqualTo(10251);
      assertThat(port.getHostPort()).isEqualTo(10251);
    });
    assertThat(container(deployment).getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo(DeploymentDependentResource.PORT_NAME);
    Service service = ServiceDependentResource.desired(pipeline, Optional.empty());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(ServiceDependentResource.PORT);
      assertThat(port.getTargetPort().getStrVal()).isEqualTo(DeploymentDependentResource.PORT_NAME);
    });

    Deployment podNetwork = deployment(Pipelines.pipeline(spec -> spec.setSecurePort(8443)));
    assertThat(container(podNetwork).getArgs()).contains("--secure-port=8443");
    assertThat(container(podNetwork).getPorts().get(0).getHostPort()).isNull();
    assertThat(podNetwork.getSpec().getTemplate().getSpec().getHostNetwork()).isNull();
  }

  @Test
  void imagePullSecretsGoToThePods() {
    Deployment deployment = deployment(Pipelines.pipeline(spec ->
        spec.setImagePullSecrets(List.of(new LocalObjectReference("mirror")))));
    assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets())
        .containsExactly(new LocalObjectReference("mirror"));
  }

  @Test
  void anExplicitAffinityReplacesTheBuiltInAntiAffinity() {
    Affinity zones = new AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().addNewMatchExpression().withKey("zone").withOperator("In").withValues("a")
        .endMatchExpression().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    Deployment replicated = deployment(Pipelines.pipeline(spec -> {
      spec.setReplicas(2);
      spec.setAffinity(zones);
    }));
    assertThat(replicated.getSpec().getTemplate().getSpec().getAffinity()).isEqualTo(zones);
    assertThat(deployment(Pipelines.pipeline(spec -> spec.setAffinity(zones))).getSpec().getTemplate().getSpec()
        .getAffinity()).isEqualTo(zones);
    assertThat(deployment(Pipelines.pipeline(spec -> spec.setReplicas(2))).getSpec().getTemplate().getSpec()
        .getAffinity().getPodAntiAffinity()).isNotNull();
  }

  @Test
  void aSpreadConstraintWithoutSelectorCountsTheAggregatorPods() {
    TopologySpreadConstraint zones = new TopologySpreadConstraintBuilder().withMaxSkew(1)
        .withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("ScheduleAnyway").build();
    TopologySpreadConstraint own = new TopologySpreadConstraintBuilder(zones).withTopologyKey("kubernetes.io/hostname")
        .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("team", "a").build()).build();
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.setTopologySpreadConstraints(List.of(zones, own)));
    List<TopologySpreadConstraint> constraints = deployment(pipeline).getSpec().getTemplate().getSpec()
        .getTopologySpreadConstraints();
    assertThat(constraints).hasSize(2);
    assertThat(constraints.get(0).getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(constraints.get(0).getLabelSelector().getMatchLabels()).isEqualTo(Names.selector(pipeline));
    assertThat(constraints.get(1)).isEqualTo(own);
    assertThat(zones.getLabelSelector()).as("the spec is not edited").isNull();
  }

  @Test
  void podLabelsAndAnnotationsAreAddedUnderTheOperatorsOwn() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> {
      spec.setPodLabels(Map.of("team", "metrics", Names.COMPONENT_LABEL, "stolen"));
      spec.setPodAnnotations(Map.of("prometheus.io/scrape", "false", Names.SERVING_CERT_HASH_ANNOTATION, "stolen"));
    });
    Deployment deployment = deployment(pipeline);
    Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(labels).containsEntry("team", "metrics").containsAllEntriesOf(Names.labels(pipeline, Component.AGGREGATOR));
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(Names.selector(pipeline));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "false")
        .containsEntry(Names.SERVING_CERT_HASH_ANNOTATION, HASH)
        .containsEntry(Names.DEFAULT_CONTAINER_ANNOTATION, Names.CONTAINER);
    // The Deployment's own metadata is the operator's alone.
    assertThat(deployment.getMetadata().getLabels()).doesNotContainKey("team");
  }

  /** The generic matcher would take a Deployment with a setting the spec no longer has for current. */
  @Test
  void aRemovedSettingChangesTheDesiredSpecHash() {
    Affinity zones = new AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().addNewMatchExpression().withKey("zone").withOperator("Exists")
        .endMatchExpression().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    String all = hash(spec -> {
      spec.setPodLabels(Map.of("team", "metrics", "tier", "infra"));
      spec.setPodAnnotations(Map.of("a", "1"));
      spec.setAffinity(zones);
      spec.setHostNetwork(true);
      spec.setSecurePort(10251);
    });
    assertThat(hash(spec -> {
      spec.setPodLabels(Map.of("tier", "infra", "team", "metrics"));
      spec.setPodAnnotations(Map.of("a", "1"));
      spec.setAffinity(zones);
      spec.setHostNetwork(true);
      spec.setSecurePort(10251);
    })).as("the same settings").isEqualTo(all);
    assertThat(hash(spec -> {
      spec.setPodLabels(Map.of("team", "metrics"));
      spec.setPodAnnotations(Map.of("a", "1"));
      spec.setAffinity(zones);
      spec.setHostNetwork(true);
      spec.setSecurePort(10251);
    })).as("a pod label less").isNotEqualTo(all);
    assertThat(hash(spec -> {
      spec.setPodLabels(Map.of("team", "metrics", "tier", "infra"));
      spec.setPodAnnotations(Map.of("a", "1"));
      spec.setHostNetwork(true);
      spec.setSecurePort(10251);
    })).as("no affinity").isNotEqualTo(all);
    assertThat(hash(spec -> {
      spec.setPodLabels(Map.of("team", "metrics", "tier", "infra"));
      spec.setPodAnnotations(Map.of("a", "1"));
      spec.setAffinity(zones);
      spec.setSecurePort(10251);
    })).as("off the host network, same port").isNotEqualTo(all);
    assertThat(deployment(Pipelines.pipeline()).getMetadata().getAnnotations())
        .containsOnlyKeys(Names.DESIRED_SPEC_HASH_ANNOTATION);
    assertThat(deployment(Pipelines.pipeline()).getSpec().getTemplate().getMetadata().getAnnotations())
        .as("the hash is not on the pods: it does not roll them").doesNotContainKey(Names.DESIRED_SPEC_HASH_ANNOTATION);
  }

  @Test
  void serviceAnnotationsAreSetAndThoseRemovedFromTheSpecGoWhileOthersStay() {
    MetricsPipeline two = Pipelines.pipeline(spec -> spec.setServiceAnnotations(Map.of("mesh.io/inject", "false",
        "lb.example.com/internal", "true")));
    Service desiredTwo = ServiceDependentResource.desired(two, Optional.empty());
    assertThat(desiredTwo.getMetadata().getAnnotations())
        .containsEntry("mesh.io/inject", "false")
        .containsEntry("lb.example.com/internal", "true")
        .containsEntry(Names.SERVICE_ANNOTATIONS_ANNOTATION, "lb.example.com/internal,mesh.io/inject");
    assertThat(ServiceDependentResource.desired(two, LocalAggregator.parse("localhost:24443")).getMetadata().getAnnotations())
        .containsEntry("mesh.io/inject", "false");

    Service live = new ServiceBuilder(desiredTwo).editMetadata().addToAnnotations("someone.else/note", "kept")
        .endMetadata().build();
    MetricsPipeline one = Pipelines.pipeline(spec -> spec.setServiceAnnotations(Map.of("mesh.io/inject", "true")));
    Service desiredOne = ServiceDependentResource.desired(one, Optional.empty());
    Service cleaned = ServiceDependentResource.withoutStaleAnnotations(live, desiredOne);
    assertThat(cleaned.getMetadata().getAnnotations())
        .containsEntry("mesh.io/inject", "false")
        .containsEntry("someone.else/note", "kept")
        .containsEntry(Names.SERVICE_ANNOTATIONS_ANNOTATION, "lb.example.com/internal,mesh.io/inject")
        .doesNotContainKey("lb.example.com/internal");
    assertThat(live.getMetadata().getAnnotations()).as("the cached object is not edited")
        .containsKey("lb.example.com/internal");

    Service cleanedOfAll = ServiceDependentResource.withoutStaleAnnotations(live,
        ServiceDependentResource.desired(Pipelines.pipeline(), Optional.empty()));
    assertThat(cleanedOfAll.getMetadata().getAnnotations()).containsOnlyKeys("someone.else/note");
  }

  @Test
  void theNamespaceEnforcesPrivilegedOnlyForHostNetworkAndAuditsRestrictedAlways() {
    assertThat(NamespaceDependentResource.desired(Pipelines.pipeline()).getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("pod-security.kubernetes.io/warn", "restricted")
        .containsEntry("pod-security.kubernetes.io/audit", "restricted");
    assertThat(NamespaceDependentResource.desired(Pipelines.pipeline(spec -> spec.setHostNetwork(true)))
        .getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged")
        .containsEntry("pod-security.kubernetes.io/warn", "privileged")
        .containsEntry("pod-security.kubernetes.io/audit", "restricted");
  }

  @Test
  void onlyANamespaceThePipelineCreatedFollowsItsHostNetwork() {
    MetricsPipeline restricted = Pipelines.pipeline();
    MetricsPipeline hostNetwork = Pipelines.pipeline(spec -> spec.setHostNetwork(true));
    Namespace created = NamespaceDependentResource.desired(restricted);
    assertThat(NamespaceDependentResource.matches(created, restricted)).isTrue();
    assertThat(NamespaceDependentResource.matches(created, hostNetwork)).isFalse();
    assertThat(NamespaceDependentResource.matches(NamespaceDependentResource.desired(hostNetwork), restricted))
        .as("back to restricted when hostNetwork is turned off").isFalse();

    Namespace foreign = new NamespaceBuilder().withNewMetadata().withName("pulse-system")
        .addToLabels("pod-security.kubernetes.io/enforce", "baseline").endMetadata().build();
    assertThat(NamespaceDependentResource.matches(foreign, hostNetwork)).isTrue();
    Namespace otherPipelines = new NamespaceBuilder(created).editMetadata()
        .addToLabels(Names.INSTANCE_LABEL, "other").endMetadata().build();
    assertThat(NamespaceDependentResource.matches(otherPipelines, hostNetwork)).isTrue();
  }

  private static String hash(Consumer<MetricsPipelineSpec> edit) {
    return deployment(Pipelines.pipeline(edit)).getMetadata().getAnnotations()
        .get(Names.DESIRED_SPEC_HASH_ANNOTATION);
  }

  private static Deployment deployment(MetricsPipeline pipeline) {
    return DeploymentDependentResource.desired(pipeline, "image", HASH);
  }

  private static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
