package dev.pulse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.testing.Pipelines;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregator's permissions, the bindings that grant them, and the metrics readers' role. */
class RbacTest {

  private final MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.setNamespace("monitoring"));

  @Test
  void theAggregatorReadsNodesPodsAndKubeletMetricsOnly() {
    ClusterRole role = AggregatorClusterRoleDependentResource.desired(pipeline);
    assertThat(role.getMetadata().getName()).isEqualTo("pulse:metrics-aggregator");
    assertThat(role.getRules()).hasSize(2);
    assertThat(rule(role, "nodes/metrics").getVerbs()).containsExactly("get");
    assertThat(rule(role, "nodes").getResources()).containsExactlyInAnyOrder("nodes", "pods");
    assertThat(rule(role, "nodes").getVerbs()).containsExactlyInAnyOrder("list", "watch");
    assertThat(role.getRules()).allSatisfy(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getVerbs()).doesNotContain("*", "create", "update", "patch", "delete");
      assertThat(rule.getResources()).doesNotContain("*", "secrets");
    });
  }

  @Test
  void bindingsGrantToTheAggregatorsServiceAccount() {
    Subject expected = new SubjectBuilder()
        .withKind("ServiceAccount").withName("pulse-metrics").withNamespace("monitoring").build();

    ClusterRoleBinding aggregator = AggregatorClusterRoleBindingDependentResource.desired(pipeline);
    assertThat(aggregator.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(aggregator.getRoleRef().getName()).isEqualTo("pulse:metrics-aggregator");
    assertThat(aggregator.getSubjects()).containsExactly(expected);

    ClusterRoleBinding delegator = AuthDelegatorClusterRoleBindingDependentResource.desired(pipeline);
    assertThat(delegator.getRoleRef().getName()).isEqualTo("system:auth-delegator");
    assertThat(delegator.getSubjects()).containsExactly(expected);

    RoleBinding reader = AuthReaderRoleBindingDependentResource.desired(pipeline);
    assertThat(reader.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(reader.getMetadata().getName()).isEqualTo("pulse-metrics-auth-reader");
    assertThat(reader.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(reader.getRoleRef().getName()).isEqualTo("extension-apiserver-authentication-reader");
    assertThat(reader.getSubjects()).containsExactly(expected);

    assertThat(List.of(aggregator.getRoleRef(), delegator.getRoleRef(), reader.getRoleRef()))
        .allSatisfy(ref -> assertThat(ref.getApiGroup()).isEqualTo("rbac.authorization.k8s.io"));
  }

  @Test
  void viewersEditorsAndAdminsMayReadMetrics() {
    ClusterRole reader = MetricsReaderClusterRoleDependentResource.desired(pipeline);
    assertThat(reader.getMetadata().getName()).isEqualTo("system:aggregated-metrics-reader");
    assertThat(reader.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
        .containsEntry(Names.MANAGED_BY_LABEL, Names.MANAGED_BY);
    assertThat(reader.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("metrics.k8s.io");
      assertThat(rule.getResources()).containsExactlyInAnyOrder("pods", "nodes");
      // The aggregator answers watch with 405, so it is not granted.
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list");
    });
  }

  @Test
  void theServiceAccountHasNoTokenUnlessThePodAsks() {
    var account = ServiceAccountDependentResource.desired(pipeline);
    assertThat(account.getMetadata().getName()).isEqualTo("pulse-metrics");
    assertThat(account.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(account.getAutomountServiceAccountToken()).isFalse();
    assertThat(DeploymentDependentResource.desired(pipeline, "image", "hash").getSpec().getTemplate().getSpec()
        .getAutomountServiceAccountToken()).isTrue();
  }

  private static PolicyRule rule(ClusterRole role, String resource) {
    return role.getRules().stream().filter(r -> r.getResources().contains(resource)).findFirst().orElseThrow();
  }
}
