package dev.pulse.operator.status;

import dev.pulse.operator.api.FailingNode;
import dev.pulse.operator.api.KubeletTlsMode;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.NodesStatus;
import dev.pulse.operator.model.Names;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code NodesScraped} condition and {@code status.nodes}, from the aggregator's node summary.
 * A False condition's reason is the cause that holds the most nodes, and its message says how many,
 * what the cause means and the fix, pointing at a spec field or a cluster setting; turning
 * verification off is never the answer.
 */
public final class NodesScraped {

  public static final String TYPE = "NodesScraped";

  private NodesScraped() {}

  /** The condition as status, reason and message. */
  public record Verdict(String status, String reason, String message) {}

  /** {@code status.nodes}: absent until a summary was read. */
  public static NodesStatus nodes(Optional<NodeReport> report) {
    if (report.isEmpty() || !(report.get() instanceof NodeReport.Scrapes scrapes)) {
      return null;
    }
    NodesStatus nodes = new NodesStatus();
    nodes.setSelected(scrapes.selected());
    nodes.setScraped(scrapes.scraped());
    nodes.setSummary(scrapes.scraped() + "/" + scrapes.selected());
    nodes.setFailingCount(scrapes.failingCount());
    nodes.setFailing(scrapes.failing().stream()
        .map(f -> new FailingNode(f.name(), f.reason(), f.message(), f.since()))
        .toList());
    return nodes;
  }

  public static Verdict verdict(MetricsPipeline pipeline, Optional<NodeReport> report) {
    if (report.isEmpty()) {
      return new Verdict(StatusAggregator.UNKNOWN, "NotReported",
          "The operator has not read the aggregator's node summary yet.");
    }
    if (report.get() instanceof NodeReport.Unreadable unreadable) {
      return new Verdict(StatusAggregator.UNKNOWN, "SummaryUnavailable",
          "The operator cannot read the aggregator's node summary: " + unreadable.why());
    }
    NodeReport.Scrapes scrapes = (NodeReport.Scrapes) report.get();
    if (scrapes.failingCount() == 0) {
      return new Verdict(StatusAggregator.TRUE, "AllNodesScraped", scrapes.selected() == 0
          ? "No node matches spec.nodeSelectorForScraping."
          : "Every one of the " + scrapes.selected() + " selected nodes answered its latest scrape.");
    }
    // The largest cause first; the name breaks ties, so the reason does not flap between equals.
    Map.Entry<String, Integer> top = scrapes.causes().entrySet().stream()
        .max(Comparator.comparing(Map.Entry<String, Integer>::getValue)
            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
        .orElse(Map.entry("Unknown", scrapes.failingCount()));
    String example = scrapes.failing().stream()
        .filter(f -> top.getKey().equals(f.reason()))
        .findFirst()
        .map(f -> " For example " + f.name() + ": " + f.message() + ".")
        .orElse("");
    String others = scrapes.causes().entrySet().stream()
        .filter(e -> !e.getKey().equals(top.getKey()))
        .map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", "));
    String message = scrapes.failingCount() + " of " + scrapes.selected() + " nodes are not scraped. "
        + nodes(top.getValue()) + " " + explanation(top.getKey(), pipeline) + example
        + (others.isEmpty() ? "" : " Other causes: " + others + " (see status.nodes.failing).");
    return new Verdict(StatusAggregator.FALSE, top.getKey(), message);
  }

  private static String nodes(int count) {
    return count == 1 ? "1 node:" : count + " nodes:";
  }

  /** What a cause means and how to fix it; the names are those of ScrapeFailure.Cause in metrics-core. */
  static String explanation(String cause, MetricsPipeline pipeline) {
    String namespace = pipeline.getSpec().getNamespace();
    boolean clusterCa = pipeline.getSpec().getKubelet().getTls().getMode() == KubeletTlsMode.ClusterCA;
    String identity = "system:serviceaccount:" + namespace + ":" + Names.SERVICE_ACCOUNT;
    return switch (cause) {
      case "KubeletCertificateUnknownAuthority" -> "the kubelet's serving certificate is signed by a CA the"
          + " aggregator does not trust (kubelets sign their own unless told otherwise). Fix: "
          + (clusterCa ? "set serverTLSBootstrap: true in the kubelets' KubeletConfiguration and approve their"
              + " kubelet-serving CertificateSigningRequests, so that the cluster CA signs them; or set"
              + " kubelet.tls.mode CustomCA with kubelet.tls.caSecretRef naming the CA that signs them."
              : "put the CA that signs them in the Secret that kubelet.tls.caSecretRef names.");
      case "KubeletCertificateNameMismatch" -> "the kubelet's serving certificate has no SAN for the address the"
          + " aggregator dials (the first type of kubelet.preferredAddressTypes the node reports). Fix: put first in"
          + " kubelet.preferredAddressTypes an address type the certificates name, or have the certificates"
          + " issued with the node's addresses (serverTLSBootstrap: true in the KubeletConfiguration).";
      case "KubeletCertificateExpired" -> "the kubelet's serving certificate has expired (or is not valid yet:"
          + " check the node's clock). Fix: renew it; with serverTLSBootstrap: true and"
          + " rotateCertificates the kubelet renews it itself.";
      case "KubeletTLSFailed" -> "the TLS handshake with the kubelet failed. Fix: see the message of each"
          + " failing node; check that the kubelet port serves HTTPS.";
      case "KubeletUnauthorized" -> "the kubelet answered 401: it did not accept the aggregator's token, either"
          + " because its webhook authentication is off or because the API server rejected the token. Fix: enable"
          + " webhook authentication on the kubelets (authentication.webhook.enabled: true in the"
          + " KubeletConfiguration, --authentication-token-webhook), so that they ask the API server about tokens;"
          + " if it is on, check the kubelets' log for the TokenReview's error.";
      case "KubeletForbidden" -> "the kubelet answered 403: " + identity + " may not get nodes/metrics. Fix:"
          + " check that the ClusterRole " + Names.AGGREGATOR_CLUSTER_ROLE + " grants get on nodes/metrics and is"
          + " bound to it (the operator keeps both; a policy engine or a kubelet authorizer other than Webhook"
          + " may refuse it).";
      case "KubeletHTTPError" -> "the kubelet answered with an unexpected HTTP status. Fix: see the message of"
          + " each failing node (a 404 means a wrong metrics.k8s.io/resource-metrics-path annotation).";
      case "KubeletConnectionRefused" -> "nothing listens at the kubelet's address and port. Fix: check that the"
          + " kubelet runs, and kubelet.port and kubelet.useNodeStatusPort.";
      case "KubeletNameNotResolved" -> "the node's address is a name the aggregator cannot resolve. Fix: put"
          + " InternalIP first in kubelet.preferredAddressTypes, or make the node names resolvable in cluster DNS.";
      case "KubeletUnreachable" -> "the connection to the kubelet failed. Fix: let the aggregator pods reach the"
          + " nodes on the kubelet port (NetworkPolicies, firewalls, security groups).";
      case "KubeletTimeout" -> "the kubelet did not answer within kubelet.requestTimeout. Fix: let the aggregator"
          + " pods reach the nodes on the kubelet port (NetworkPolicies, firewalls, security groups), or raise"
          + " kubelet.requestTimeout for overloaded kubelets.";
      case "NoUsableAddress" -> "the node reports no address of a type in kubelet.preferredAddressTypes (or"
          + " its metrics.k8s.io/resource-metrics-path annotation is not an absolute path). Fix: add the address"
          + " types the nodes report (kubectl get node -o jsonpath='{.status.addresses}') to"
          + " kubelet.preferredAddressTypes.";
      case "KubeletMalformedResponse" -> "the answer was not the kubelet's Prometheus text: something else"
          + " answers at that address and port (a proxy, another service), or the node's"
          + " metrics.k8s.io/resource-metrics-path annotation names another endpoint. Fix: point"
          + " kubelet.port or kubelet.preferredAddressTypes at the kubelet.";
      case "KubeletResponseTooLarge" -> "the kubelet's answer exceeded the aggregator's size limit. Fix: raise"
          + " it with --kubelet-max-response-bytes in spec.extraArgs (a node with very many containers).";
      case "NodeMetricsIncomplete" -> "the kubelet answers, but without the node's own CPU and working set (or"
          + " with a working set of 0), so the node is left out of the API, as metrics-server leaves it out, and"
          + " kubectl top nodes shows it as <unknown>; its pods are served. Fix: the kubelet measures the node"
          + " through its cgroups: check its log for cAdvisor errors and that its cgroupDriver matches the"
          + " container runtime's; kubectl get --raw /api/v1/nodes/<node>/proxy/metrics/resource shows what it"
          + " sends.";
      case "NodeNotReady" -> "the node is not Ready: its kubelet does not report to the API server either. Fix:"
          + " look at the node (kubectl describe node); it comes back when its kubelet does.";
      default -> "the aggregator reports the cause " + cause + ". Fix: see the message of each failing node.";
    };
  }
}
