package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Binds the built-in Role {@code kube-system/extension-apiserver-authentication-reader}: the
 * aggregator reads the front-proxy and client CAs from the ConfigMap
 * {@code kube-system/extension-apiserver-authentication} to authenticate kube-apiserver's proxied
 * requests.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR, namespaces = Names.KUBE_SYSTEM))
public final class AuthReaderRoleBindingDependentResource extends CRUDKubernetesDependentResource<RoleBinding, MetricsPipeline> {

  @Override
  protected RoleBinding desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline);
  }

  public static RoleBinding desired(MetricsPipeline pipeline) {
    return new RoleBindingBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.KUBE_SYSTEM, Names.AUTH_READER_ROLE_BINDING,
            Component.AGGREGATOR))
        .withRoleRef(new RoleRefBuilder()
            .withApiGroup(Rbac.GROUP).withKind("Role").withName(Names.AUTH_READER_ROLE).build())
        .withSubjects(Rbac.aggregatorServiceAccount(pipeline))
        .build();
  }
}
