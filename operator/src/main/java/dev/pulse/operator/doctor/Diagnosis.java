package dev.pulse.operator.doctor;

import dev.pulse.operator.OperatorMain;
import dev.pulse.operator.api.FailingNode;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.NodesStatus;
import dev.pulse.operator.doctor.Check.Result;
import dev.pulse.operator.doctor.Reading.Absent;
import dev.pulse.operator.doctor.Reading.Failed;
import dev.pulse.operator.doctor.Reading.Forbidden;
import dev.pulse.operator.doctor.Reading.Found;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.status.AggregationLayer;
import dev.pulse.operator.status.DiscoveryFailure;
import dev.pulse.operator.status.StatusAggregator;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceCondition;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ServiceReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The doctor's checks, a pure function of what it read: the same judgements as the pipeline's
 * status ({@link AggregationLayer}, {@link DiscoveryFailure}), for any metrics server or none.
 */
final class Diagnosis {

  static final String METRICS_PATH = "/apis/" + Names.METRICS_GROUP + "/" + Names.METRICS_VERSION + "/nodes";
  static final String INSTALL_STEPS = "kubectl apply -f config/install.yaml, then kubectl apply -f"
      + " config/samples/metricspipeline.yaml";
  static final String INSTALL = "Install Pulse: " + INSTALL_STEPS + " (or install metrics-server).";
  /** Failing nodes the report names; the pipeline's status holds up to ten. */
  private static final int NAMED_NODES = 5;
  private static final String TRUE = "True";
  private static final String FALSE = "False";

  private Diagnosis() {}

  static List<Check> checks(Findings findings) {
    if (!(findings.version() instanceof Found)) {
      String why = findings.version() instanceof Failed<String> failed ? failed.message() : "no answer";
      return List.of(new Check("cluster", "kube-apiserver", Result.FAIL, "kube-apiserver at " + findings.server()
          + " does not answer GET /version: " + why + ".", "Check the kubeconfig's cluster and context"
          + " (--kubeconfig, --context, KUBECONFIG) and that the control plane runs."));
    }
    List<Check> checks = new ArrayList<>();
    checks.add(Check.of("cluster", "kube-apiserver", Result.PASS, "kube-apiserver at " + findings.server()
        + " answers."));
    checks.addAll(apiService(findings.apiService()));
    checks.add(aggregationLayer(findings.authentication()));
    checks.addAll(pipelines(findings.pipelines()));
    checks.add(nodes(findings.nodes()));
    checks.add(nodeMetrics(findings.nodeMetrics()));
    return checks;
  }

  /**
   * Whether {@code kubectl top} should work: nothing failed, and either the live read of node
   * metrics or kube-apiserver's verdict on the APIService says it does.
   */
  static boolean topShouldWork(List<Check> checks) {
    return checks.stream().noneMatch(c -> c.result() == Result.FAIL)
        && checks.stream().anyMatch(c -> c.result() == Result.PASS
            && (c.id().equals("node-metrics") || c.id().equals("apiservice-available")));
  }

  /**
   * Whether {@code kubectl top} answers but leaves nodes out: node metrics are served, and all
   * that failed is that some kubelets are not scraped. Their nodes show {@code <unknown>} and
   * their pods are missing.
   */
  static boolean topWorksPartly(List<Check> checks) {
    return checks.stream().filter(c -> c.result() == Result.FAIL).allMatch(c -> c.id().equals("nodes-scraped"))
        && checks.stream().anyMatch(c -> c.result() == Result.PASS && c.id().equals("node-metrics"));
  }

  private static List<Check> apiService(Reading<APIService> reading) {
    String title = "APIService " + Names.API_SERVICE;
    if (reading instanceof Found<APIService> found) {
      APIService apiService = found.value();
      String server = server(apiService);
      return List.of(Check.of("apiservice", title, Result.PASS, "metrics.k8s.io is registered, served by " + server
          + "."), available(apiService, server));
    }
    if (reading instanceof Absent) {
      return List.of(new Check("apiservice", title, Result.FAIL, "No APIService " + Names.API_SERVICE + ": no"
          + " metrics server is registered, so kubectl top answers \"Metrics API not available\".", INSTALL));
    }
    return List.of(unread("apiservice", title, reading, "get apiservices.apiregistration.k8s.io"),
        unread("apiservice-available", "metrics.k8s.io Available", reading, "get apiservices.apiregistration.k8s.io"));
  }

  /** Who serves it, in words: Pulse, metrics-server, or whatever Service it names. */
  static String server(APIService apiService) {
    Map<String, String> labels = Objects.requireNonNullElse(apiService.getMetadata().getLabels(), Map.of());
    ServiceReference service = apiService.getSpec() == null ? null : apiService.getSpec().getService();
    String where = service == null ? "kube-apiserver itself (no Service)"
        : "Service " + service.getNamespace() + "/" + service.getName();
    if (Names.MANAGED_BY.equals(labels.get(Names.MANAGED_BY_LABEL))) {
      return "Pulse (MetricsPipeline " + labels.get(Names.INSTANCE_LABEL) + ", " + where + ")";
    }
    if ("metrics-server".equals(labels.get("k8s-app")) || "metrics-server".equals(labels.get(Names.NAME_LABEL))
        || service != null && service.getName().contains("metrics-server")) {
      return "metrics-server (" + where + ")";
    }
    String manager = labels.get(Names.MANAGED_BY_LABEL);
    return where + (manager == null ? "" : ", managed by " + manager);
  }

  private static Check available(APIService apiService, String server) {
    String title = "metrics.k8s.io Available";
    Optional<APIServiceCondition> condition = Optional.ofNullable(apiService.getStatus())
        .map(s -> s.getConditions()).orElse(List.of()).stream()
        .filter(c -> "Available".equals(c.getType())).findFirst();
    if (condition.isEmpty()) {
      return new Check("apiservice-available", title, Result.FAIL, "kube-apiserver has not reported on APIService "
          + Names.API_SERVICE + " yet.", "Wait a few seconds and run the doctor again.");
    }
    APIServiceCondition c = condition.get();
    String reported = " (" + c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()) + ")";
    if (TRUE.equals(c.getStatus())) {
      return Check.of("apiservice-available", title, Result.PASS, "kube-apiserver reaches and trusts " + server
          + reported + ".");
    }
    ServiceReference service = apiService.getSpec() == null ? null : apiService.getSpec().getService();
    String name = service == null ? "" : service.getNamespace() + "/" + service.getName();
    String summary;
    String fix;
    switch (Objects.requireNonNullElse(c.getReason(), "")) {
      case "ServiceNotFound" -> {
        summary = "Service " + name + " does not exist: the APIService outlived the metrics server it named.";
        fix = "Reinstall that metrics server, or delete the stale APIService (kubectl delete apiservice "
            + Names.API_SERVICE + ") and install Pulse: " + INSTALL_STEPS + ".";
      }
      case "MissingEndpoints", "EndpointsNotFound" -> {
        summary = "Service " + name + " has no ready endpoint: the metrics server's pods do not run or are not"
            + " ready.";
        fix = "kubectl -n " + (service == null ? "" : service.getNamespace()) + " get pods, and describe the"
            + " metrics server's pods.";
      }
      case "FailedDiscoveryCheck" -> {
        DiscoveryFailure failure = DiscoveryFailure.of(c.getMessage());
        summary = "kube-apiserver's discovery check of " + server + " fails: " + failure.explanation + ".";
        fix = switch (failure) {
          case UNTRUSTED_CERTIFICATE -> "Make the APIService's caBundle the CA of the server's certificate (Pulse's"
              + " operator writes both; for another server, its installer).";
          case UNAUTHORIZED -> "Fix kube-apiserver's front-proxy flags (see the aggregation-layer check).";
          case FORBIDDEN -> "Bind the server's ServiceAccount to the ClusterRole system:auth-delegator.";
          case CONNECTION_REFUSED, UNREACHABLE, OTHER -> "Let the control plane reach the Service's endpoints on"
              + " their port (NetworkPolicies, firewalls, security groups); Pulse on a pod network the control"
              + " plane cannot route: spec.hostNetwork: true.";
        };
      }
      default -> {
        summary = "kube-apiserver does not report APIService " + Names.API_SERVICE + " as Available.";
        fix = "kubectl describe apiservice " + Names.API_SERVICE + ".";
      }
    }
    return new Check("apiservice-available", title, Result.FAIL, summary + reported, fix);
  }

  private static Check aggregationLayer(Reading<Map<String, String>> reading) {
    String title = "Aggregation layer";
    if (reading instanceof Forbidden || reading instanceof Failed) {
      return unread("aggregation-layer", title, reading, "get configmaps -n " + Names.KUBE_SYSTEM + " "
          + Names.AUTHENTICATION_CONFIG_MAP);
    }
    // kube-apiserver writes the ConfigMap whenever it has a CA to publish: none is as good as an empty one.
    Map<String, String> data = reading instanceof Found<Map<String, String>> found ? found.value() : Map.of();
    AggregationLayer.Verdict verdict = AggregationLayer.verdict(Optional.of(data));
    Result result = TRUE.equals(verdict.status()) ? Result.PASS
        : verdict.blocksMetrics() ? Result.FAIL : Result.WARN;
    return Check.of("aggregation-layer", title, result, verdict.message());
  }

  private static List<Check> pipelines(Reading<List<MetricsPipeline>> reading) {
    String title = "MetricsPipeline";
    if (reading instanceof Absent) {
      return List.of(Check.of("pipeline", title, Result.INFO, "Pulse is not installed (no CRD "
          + OperatorMain.CRD + ")."));
    }
    if (!(reading instanceof Found<List<MetricsPipeline>> found)) {
      return List.of(unread("pipeline", title, reading, "list " + OperatorMain.CRD));
    }
    // The operator's rule: the oldest pipeline is the active one.
    Optional<MetricsPipeline> active = found.value().stream()
        .min(Comparator.comparing((MetricsPipeline p) -> Objects.requireNonNullElse(
            p.getMetadata().getCreationTimestamp(), "")).thenComparing(p -> p.getMetadata().getName()));
    if (active.isEmpty()) {
      return List.of(new Check("pipeline", title, Result.INFO, "The MetricsPipeline CRD is installed, but no"
          + " pipeline exists.", "kubectl apply -f config/samples/metricspipeline.yaml"));
    }
    MetricsPipeline pipeline = active.get();
    String name = "MetricsPipeline " + pipeline.getMetadata().getName();
    List<Check> checks = new ArrayList<>();
    Optional<Condition> ready = condition(pipeline, StatusAggregator.READY);
    if (ready.isEmpty()) {
      checks.add(new Check("pipeline", title, Result.FAIL, name + " has no status: the operator does not run"
          + " or has not reconciled it.", "kubectl -n pulse-operator get pods, and read the operator's log."));
    } else if (TRUE.equals(ready.get().getStatus())) {
      checks.add(Check.of("pipeline", title, Result.PASS, name + " is Ready: " + ready.get().getMessage()));
    } else {
      checks.add(Check.of("pipeline", title, Result.FAIL, name + " is not Ready (" + ready.get().getReason() + "): "
          + ready.get().getMessage()));
    }
    condition(pipeline, StatusAggregator.NODES_SCRAPED).map(c -> nodesScraped(name, c, pipeline.getStatus().getNodes()))
        .ifPresent(checks::add);
    return checks;
  }

  private static Check nodesScraped(String name, Condition condition, NodesStatus nodes) {
    String title = "Nodes scraped";
    String counts = nodes == null || nodes.getSelected() == null ? ""
        : " (" + nodes.getScraped() + " of " + nodes.getSelected() + " nodes)";
    if (TRUE.equals(condition.getStatus())) {
      return Check.of("nodes-scraped", title, Result.PASS, name + " scrapes every selected kubelet" + counts + ".");
    }
    if (!FALSE.equals(condition.getStatus())) {
      return Check.of("nodes-scraped", title, Result.INFO, name + ": " + condition.getMessage());
    }
    String failing = nodes == null || nodes.getFailing() == null ? "" : " Failing: " + nodes.getFailing().stream()
        .limit(NAMED_NODES)
        .map(FailingNode::getName)
        .collect(Collectors.joining(", "))
        + (Objects.requireNonNullElse(nodes.getFailingCount(), 0) > NAMED_NODES ? ", ..." : "")
        + " (kubectl get mp " + name.substring(name.indexOf(' ') + 1) + " -o jsonpath='{.status.nodes.failing}').";
    return Check.of("nodes-scraped", title, Result.FAIL, name + " cannot scrape some kubelets" + counts + " ("
        + condition.getReason() + "): " + condition.getMessage() + failing);
  }

  private static Optional<Condition> condition(MetricsPipeline pipeline, String type) {
    return Optional.ofNullable(pipeline.getStatus()).map(s -> s.getConditions()).orElse(List.of()).stream()
        .filter(c -> type.equals(c.getType())).findFirst();
  }

  private static Check nodes(Reading<List<Node>> reading) {
    String title = "Nodes Ready";
    if (!(reading instanceof Found<List<Node>> found)) {
      return unread("nodes", title, reading, "list nodes");
    }
    List<String> notReady = found.value().stream()
        .filter(node -> Optional.ofNullable(node.getStatus()).map(s -> s.getConditions()).orElse(List.of()).stream()
            .noneMatch(c -> "Ready".equals(c.getType()) && TRUE.equals(c.getStatus())))
        .map(node -> node.getMetadata().getName())
        .toList();
    int total = found.value().size();
    if (total == 0) {
      return new Check("nodes", title, Result.FAIL, "The cluster has no node.", "Join a node.");
    }
    if (notReady.isEmpty()) {
      return Check.of("nodes", title, Result.PASS, "All " + total + " nodes are Ready.");
    }
    Result result = notReady.size() == total ? Result.FAIL : Result.WARN;
    return new Check("nodes", title, result, (total - notReady.size()) + " of " + total + " nodes are Ready; not"
        + " Ready: " + notReady.stream().limit(NAMED_NODES).collect(Collectors.joining(", "))
        + (notReady.size() > NAMED_NODES ? ", ..." : "") + ". Their kubelets report no metrics.",
        "kubectl describe node " + notReady.get(0));
  }

  private static Check nodeMetrics(Reading<Integer> reading) {
    String title = "kubectl top nodes";
    if (reading instanceof Found<Integer> found && found.value() > 0) {
      return Check.of("node-metrics", title, Result.PASS, "GET " + METRICS_PATH + " returns metrics of "
          + found.value() + " nodes.");
    }
    if (reading instanceof Found) {
      return new Check("node-metrics", title, Result.FAIL, "GET " + METRICS_PATH + " returns no node: kubectl top"
          + " says \"metrics not available yet\".", "A new metrics server needs two scrapes (twice its"
          + " resolution); after that, see which kubelets it cannot scrape (above, or its log).");
    }
    if (reading instanceof Absent) {
      return new Check("node-metrics", title, Result.FAIL, "GET " + METRICS_PATH + " answers 404: metrics.k8s.io"
          + " is not served.", INSTALL);
    }
    if (reading instanceof Failed<Integer> failed) {
      return new Check("node-metrics", title, Result.FAIL, "GET " + METRICS_PATH + " fails: " + failed.message()
          + ".", "See the APIService checks above: kube-apiserver cannot get an answer from the metrics server.");
    }
    return unread("node-metrics", title, reading, "list nodes.metrics.k8s.io");
  }

  /** A check that could not run; only a refusal is the caller's, anything else is the cluster's. */
  private static Check unread(String id, String title, Reading<?> reading, String permission) {
    if (reading instanceof Forbidden<?> forbidden) {
      return new Check(id, title, Result.SKIPPED, "Not permitted: " + forbidden.message(), "Needs " + permission
          + "; run the doctor as a user who may.");
    }
    String message = reading instanceof Failed<?> failed ? failed.message() : "not found";
    return Check.of(id, title, Result.FAIL, "Could not read: " + message + ".");
  }
}
