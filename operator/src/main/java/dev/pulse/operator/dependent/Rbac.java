package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;

/** Role references and the one subject every binding grants to. */
final class Rbac {

  static final String GROUP = "rbac.authorization.k8s.io";

  private Rbac() {}

  static RoleRef clusterRole(String name) {
    return new RoleRefBuilder().withApiGroup(GROUP).withKind("ClusterRole").withName(name).build();
  }

  static Subject aggregatorServiceAccount(MetricsPipeline pipeline) {
    return new SubjectBuilder()
        .withKind("ServiceAccount")
        .withName(Names.SERVICE_ACCOUNT)
        .withNamespace(pipeline.getSpec().getNamespace())
        .build();
  }
}
