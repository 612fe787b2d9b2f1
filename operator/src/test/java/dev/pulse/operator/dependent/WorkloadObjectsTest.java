package dev.pulse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.testing.Pipelines;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Namespace, Service and PodDisruptionBudget around the aggregator Deployment. */
class WorkloadObjectsTest {

  @Test
  void theNamespaceEnforcesTheRestrictedProfile() {
    Namespace namespace = NamespaceDependentResource.desired(Pipelines.pipeline(spec -> spec.setNamespace("metrics")));
    assertThat(namespace.getMetadata().getName()).isEqualTo("metrics");
    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("pod-security.kubernetes.io/warn", "restricted")
        .containsEntry("pod-security.kubernetes.io/audit", "restricted");
  }

  @Test
  void theServiceSendsPort443ToThePodsHttpsPort() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    Service service = ServiceDependentResource.desired(pipeline, Optional.empty());
    assertThat(service.getMetadata().getName()).isEqualTo("pulse-metrics");
    assertThat(service.getMetadata().getNamespace()).isEqualTo("pulse-system");
    assertThat(service.getSpec().getSelector()).isEqualTo(Names.selector(pipeline));
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("https");
      assertThat(port.getPort()).isEqualTo(443);
      assertThat(port.getTargetPort().getStrVal()).isEqualTo(DeploymentDependentResource.PORT_NAME);
      assertThat(port.getAppProtocol()).isEqualTo("https");
    });
    var deployment = DeploymentDependentResource.desired(pipeline, "image", "hash");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .anySatisfy(p -> assertThat(p.getName()).isEqualTo(port(service)));
  }

  @Test
  void inDevelopmentModeTheServiceNamesTheLocalAggregatorAndTheApiServiceItsPort() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    Optional<LocalAggregator> local = LocalAggregator.parse("localhost:24443");
    Service service = ServiceDependentResource.desired(pipeline, local);
    assertThat(service.getSpec().getType()).isEqualTo("ExternalName");
    assertThat(service.getSpec().getExternalName()).isEqualTo("localhost");
    assertThat(service.getSpec().getSelector()).isNullOrEmpty();
    APIService apiService = ApiServiceDependentResource.desired(pipeline, "pem", local);
    // kube-apiserver dials <externalName>:<APIService port>, and verifies the usual service name.
    assertThat(apiService.getSpec().getService().getPort()).isEqualTo(24443);
    assertThat(apiService.getSpec().getService().getName()).isEqualTo(Names.SERVICE);
    assertThat(apiService.getSpec().getInsecureSkipTLSVerify()).isNull();
  }

  @Test
  void aBadLocalAggregatorSettingIsNamed() {
    assertThat(LocalAggregator.parse(null)).isEmpty();
    assertThat(LocalAggregator.parse("")).isEmpty();
    for (String bad : List.of("localhost", "localhost:", "127.0.0.1:24443", ":24443", "localhost:0", "Local:1",
        "localhost:65536")) {
      assertThatThrownBy(() -> LocalAggregator.parse(bad))
          .hasMessage("PULSE_LOCAL_AGGREGATOR=" + bad + " is not <dns-name>:<port> (e.g. localhost:24443)");
    }
  }

  @Test
  void aDisruptionBudgetOnlyWithSeveralReplicas() {
    assertThat(PodDisruptionBudgetDependentResource.isNeeded(Pipelines.pipeline())).isFalse();
    MetricsPipeline ha = Pipelines.pipeline(spec -> spec.setReplicas(2));
    assertThat(PodDisruptionBudgetDependentResource.isNeeded(ha)).isTrue();
    PodDisruptionBudget budget = PodDisruptionBudgetDependentResource.desired(ha);
    assertThat(budget.getApiVersion()).isEqualTo("policy/v1");
    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(Names.selector(ha));
    assertThat(budget.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
  }

  private static String port(Service service) {
    return service.getSpec().getPorts().get(0).getTargetPort().getStrVal();
  }
}
