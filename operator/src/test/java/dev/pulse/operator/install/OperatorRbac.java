package dev.pulse.operator.install;

import dev.pulse.operator.OperatorMain;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.dependent.AggregatorClusterRoleDependentResource;
import dev.pulse.operator.dependent.MetricsReaderClusterRoleDependentResource;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.monitoring.PrometheusOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the operator's service account may do, derived from what the code calls; the install
 * manifests and the bundle's CSV both take their rules from here.
 *
 * <p>Verbs per kind of call: a JOSDK informer lists and watches (a label selector narrows what it
 * caches, not what RBAC must allow, so these rules carry no resourceNames); a CRUD dependent
 * creates and updates with PUT (server-side apply is off), and deletes only where the workflow
 * removes it (a reconcile precondition fails on it or on what it depends on). Nothing owned is
 * deleted on the pipeline's deletion: owner references hand that to the garbage collector, so
 * there is no finalizer and no {@code metricspipelines/finalizers} rule (fabric8 leaves
 * {@code blockOwnerDeletion} unset). Names are restricted wherever the verb carries one.
 *
 * <p>Granting RBAC: kube-apiserver lets the operator write a role only with permissions it holds
 * itself, and bind a role only if it holds the role's permissions or the {@code bind} verb on it.
 * The operator holds the read-only permissions of the two roles it writes (nodes, pods, kubelet
 * metrics, metrics.k8s.io), copied from the roles' own definitions, and has no {@code escalate}:
 * so whatever it writes into a role it could already do itself. For the two built-in roles it
 * binds ({@code system:auth-delegator}, {@code extension-apiserver-authentication-reader}) it has
 * {@code bind} restricted to their names instead of their permissions: Kubernetes owns their
 * content (the operator cannot edit them), and holding TokenReview and SubjectAccessReview itself
 * would give the operator powers it never uses. The ConfigMap with the front-proxy CA it does read,
 * by name, to check the aggregation layer.
 */
final class OperatorRbac {

  static final String RBAC = "rbac.authorization.k8s.io";
  static final String PULSE = MetricsPipeline.GROUP;

  private OperatorRbac() {}

  /** Cluster-wide: the ClusterRole of the install manifests, the CSV's clusterPermissions. */
  static List<PolicyRule> clusterRules() {
    List<PolicyRule> rules = new ArrayList<>();
    // MetricsPipelineReconciler: the primary informer (cluster-scoped resource).
    rules.add(rule(PULSE, "metricspipelines", "list", "watch"));
    // MetricsPipelineReconciler: UpdateControl.patchStatus, a JSON patch of the status subresource.
    rules.add(rule(PULSE, "metricspipelines/status", "patch"));
    // EventRecorder: core/v1 Events about a pipeline, created (never updated) in the namespace
    // "default", as a cluster-scoped object's are; a ClusterRole, since OLM's namespaced
    // permissions cover only the operator's own namespace.
    rules.add(rule("", "events", "create"));
    // OperatorMain.startProblem: is the CRD installed and serving the version this operator reads.
    rules.add(named(rule("apiextensions.k8s.io", "customresourcedefinitions", "get"), OperatorMain.CRD));
    // NamespaceDependentResource: its informer is unfiltered, to find a namespace somebody else
    // created; update only of one the operator created, for its Pod Security labels (hostNetwork).
    // RBAC cannot narrow that to the namespaces it created, so the code does.
    rules.add(rule("", "namespaces", "list", "watch", "create", "update"));
    // The reconciler asks whether the Service a foreign APIService points at still exists (takeover
    // IfOrphaned), in whatever namespace that APIService names.
    rules.add(rule("", "services", "get"));
    // ApiServiceDependentResource: its informer is unfiltered, to see a foreign APIService; it is
    // never deleted by the operator.
    rules.add(rule("apiregistration.k8s.io", "apiservices", "list", "watch", "create"));
    // Takeover and updates write it (it is read from the informer's cache).
    rules.add(named(rule("apiregistration.k8s.io", "apiservices", "update"), Names.API_SERVICE));
    // AggregatorClusterRoleDependentResource, MetricsReaderClusterRoleDependentResource.
    rules.add(rule(RBAC, "clusterroles", "list", "watch", "create"));
    rules.add(named(rule(RBAC, "clusterroles", "update"),
        Names.AGGREGATOR_CLUSTER_ROLE, Names.METRICS_READER_CLUSTER_ROLE));
    // MetricsReaderClusterRoleDependentResource.create: adopting metrics-server's role of that name.
    rules.add(named(rule(RBAC, "clusterroles", "get"), Names.METRICS_READER_CLUSTER_ROLE));
    // AggregatorClusterRoleBindingDependentResource, AuthDelegatorClusterRoleBindingDependentResource.
    rules.add(rule(RBAC, "clusterrolebindings", "list", "watch", "create"));
    rules.add(named(rule(RBAC, "clusterrolebindings", "update"),
        Names.AGGREGATOR_CLUSTER_ROLE_BINDING, Names.AUTH_DELEGATOR_CLUSTER_ROLE_BINDING));
    // AuthReaderRoleBindingDependentResource: its informer watches kube-system only, but OLM grants
    // namespaced permissions only in the operator's target namespaces, so the rule is cluster-wide.
    rules.add(rule(RBAC, "rolebindings", "list", "watch", "create"));
    rules.add(named(rule(RBAC, "rolebindings", "update"), Names.AUTH_READER_ROLE_BINDING));
    // The two built-in roles the aggregator is bound to (see the class comment).
    rules.add(named(rule(RBAC, "clusterroles", "bind"), Names.AUTH_DELEGATOR_CLUSTER_ROLE));
    rules.add(named(rule(RBAC, "roles", "bind"), Names.AUTH_READER_ROLE));
    // The reconciler's informer on kube-apiserver's aggregation-layer CAs, by name (a field selector
    // on metadata.name, which RBAC checks against resourceNames); certificates only, public. Cluster-
    // wide for OLM as above; the name exists in kube-system only.
    rules.add(named(rule("", "configmaps", "list", "watch"), Names.AUTHENTICATION_CONFIG_MAP));
    // AggregatorNodes: the aggregator's node summary, which it authorizes as a non-resource URL.
    rules.add(new PolicyRuleBuilder().withNonResourceURLs(Names.NODE_SUMMARY_PATH).withVerbs("get").build());
    // Held so that the operator may write and bind the roles that grant them (see the class comment).
    rules.addAll(AggregatorClusterRoleDependentResource.desired(anyPipeline()).getRules());
    rules.addAll(MetricsReaderClusterRoleDependentResource.desired(anyPipeline()).getRules());
    return rules;
  }

  /**
   * In each namespace the aggregator may run in (the operator's {@code PULSE_AGGREGATOR_NAMESPACES}):
   * a Role of the install manifests; in the CSV, part of its permissions, which OLM grants in the
   * OperatorGroup's target namespaces (cluster-wide for AllNamespaces). Nowhere else may the
   * operator read a Secret.
   */
  static List<PolicyRule> aggregatorNamespaceRules() {
    return List.of(
        // ServiceAccountDependentResource.
        rule("", "serviceaccounts", "list", "watch", "create", "update"),
        // ServiceDependentResource.
        rule("", "services", "list", "watch", "create", "update"),
        // CaSecretDependentResource, ServingSecretDependentResource; the serving Secret is deleted
        // when the APIService may not be claimed.
        rule("", "secrets", "list", "watch", "create", "update", "delete"),
        // DeploymentDependentResource; deleted when the APIService may not be claimed.
        rule("apps", "deployments", "list", "watch", "create", "update", "delete"),
        // PodDisruptionBudgetDependentResource; deleted below two replicas.
        rule("policy", "poddisruptionbudgets", "list", "watch", "create", "update", "delete"),
        // MonitoringObjects: spec.monitoring's ServiceMonitor and PrometheusRule, read by name without an
        // informer (their CRDs may be missing, which discovery, open to everyone, tells), deleted when no
        // longer asked for.
        new PolicyRuleBuilder().withApiGroups(PrometheusOperator.GROUP)
            .withResources(Arrays.stream(PrometheusOperator.Kind.values()).map(kind -> kind.plural).toList())
            .withVerbs("get", "create", "update", "delete").build());
  }

  /**
   * In the operator's own namespace: the Role of the install manifests, the CSV's permissions.
   * Leader election (fabric8's LeaseLock) reads the Lease, creates it once, and renews it with a
   * patch; JOSDK checks at start-up that create, get and update are granted, so update is too.
   */
  static List<PolicyRule> namespaceRules() {
    return List.of(
        rule("coordination.k8s.io", "leases", "create"),
        named(rule("coordination.k8s.io", "leases", "get", "update", "patch"), OperatorMain.LEASE));
  }

  private static PolicyRule rule(String group, String resource, String... verbs) {
    return new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verbs).build();
  }

  private static PolicyRule named(PolicyRule rule, String... names) {
    return new PolicyRuleBuilder(rule).withResourceNames(names).build();
  }

  /** The two roles' rules do not depend on the pipeline. */
  private static MetricsPipeline anyPipeline() {
    MetricsPipeline pipeline = new MetricsPipeline();
    pipeline.setMetadata(new ObjectMetaBuilder().withName("any").build());
    return pipeline;
  }
}
