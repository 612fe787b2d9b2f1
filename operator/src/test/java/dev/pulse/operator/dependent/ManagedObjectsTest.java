package dev.pulse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.testing.Pipelines;
import dev.pulse.operator.tls.StoredTls;
import dev.pulse.operator.tls.TlsMaterial;
import dev.pulse.operator.tls.TlsPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What holds for every object the operator manages. */
class ManagedObjectsTest {

  private static final MetricsPipeline PIPELINE = Pipelines.pipeline(spec -> {
    spec.setNamespace("monitoring");
    spec.setReplicas(2);
  });

  private static List<HasMetadata> all() {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, TlsPolicy.of(PIPELINE), Instant.now());
    return List.of(
        NamespaceDependentResource.desired(PIPELINE),
        ServiceAccountDependentResource.desired(PIPELINE),
        AggregatorClusterRoleDependentResource.desired(PIPELINE),
        AggregatorClusterRoleBindingDependentResource.desired(PIPELINE),
        AuthDelegatorClusterRoleBindingDependentResource.desired(PIPELINE),
        AuthReaderRoleBindingDependentResource.desired(PIPELINE),
        MetricsReaderClusterRoleDependentResource.desired(PIPELINE),
        CaSecretDependentResource.desired(PIPELINE, tls),
        ServingSecretDependentResource.desired(PIPELINE, tls),
        DeploymentDependentResource.desired(PIPELINE, "image", tls.serving().sha256()),
        ServiceDependentResource.desired(PIPELINE, Optional.empty()),
        ApiServiceDependentResource.desired(PIPELINE, tls.caBundlePem(), Optional.empty()),
        PodDisruptionBudgetDependentResource.desired(PIPELINE));
  }

  @Test
  void everyObjectCarriesTheCommonLabels() {
    assertThat(all()).allSatisfy(object -> assertThat(object.getMetadata().getLabels())
        .as(object.getKind())
        .containsEntry(Names.NAME_LABEL, "pulse-metrics")
        .containsEntry(Names.INSTANCE_LABEL, "cluster")
        .containsEntry(Names.MANAGED_BY_LABEL, "pulse-operator")
        .containsKey(Names.COMPONENT_LABEL));
  }

  @Test
  void namespacedObjectsLiveInThePipelinesNamespaceExceptTheAuthReaderBinding() {
    assertThat(all()).allSatisfy(object -> {
      String expected = !(object instanceof Namespaced) ? null
          : object.getKind().equals("RoleBinding") ? "kube-system" : "monitoring";
      assertThat(object.getMetadata().getNamespace()).as(object.getKind()).isEqualTo(expected);
    });
  }

  @Test
  void namesComeFromNames() {
    assertThat(all()).extracting(o -> o.getMetadata().getName()).containsExactly(
        "monitoring", Names.SERVICE_ACCOUNT, Names.AGGREGATOR_CLUSTER_ROLE, Names.AGGREGATOR_CLUSTER_ROLE_BINDING,
        Names.AUTH_DELEGATOR_CLUSTER_ROLE_BINDING, Names.AUTH_READER_ROLE_BINDING, Names.METRICS_READER_CLUSTER_ROLE,
        Names.CA_SECRET, Names.SERVING_SECRET, Names.DEPLOYMENT, Names.SERVICE, Names.API_SERVICE,
        Names.POD_DISRUPTION_BUDGET);
  }

  /** Desired state is a function of the pipeline: the dependents compare it with what exists. */
  @Test
  void desiredObjectsAreStable() {
    MetricsPipeline pipeline = Pipelines.pipeline();
    assertThat(DeploymentDependentResource.desired(pipeline, "i", "h"))
        .isEqualTo(DeploymentDependentResource.desired(pipeline, "i", "h"));
    assertThat(AggregatorClusterRoleDependentResource.desired(pipeline))
        .isEqualTo(AggregatorClusterRoleDependentResource.desired(pipeline));
  }
}
