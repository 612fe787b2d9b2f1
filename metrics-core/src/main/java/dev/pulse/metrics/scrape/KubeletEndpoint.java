package dev.pulse.metrics.scrape;

import dev.pulse.metrics.cluster.LeanNode;
import java.util.List;
import java.util.Map;

/**
 * Where a node's kubelet serves resource metrics: address by type priority, port from the flag
 * or the node's status, path from the node's annotation (kwok and other simulators set it).
 *
 * @param addressType the type of the node address {@code host} came from: a certificate without a SAN
 *     for it is explained by the type, since the fix is another preferred type or another certificate
 */
public record KubeletEndpoint(String host, int port, String path, String addressType) {

  /** Node annotation that overrides the metrics path, as metrics-server honours it. */
  public static final String PATH_ANNOTATION = "metrics.k8s.io/resource-metrics-path";
  static final String DEFAULT_PATH = "/metrics/resource";

  /** How to find kubelets: the relevant flags. */
  public record Settings(List<String> addressTypes, int defaultPort, boolean useNodeStatusPort) {}

  /** Thrown when a node does not say how to reach its kubelet. */
  public static final class UnresolvableException extends Exception {
    UnresolvableException(String message) {
      super(message);
    }
  }

  public static KubeletEndpoint of(LeanNode node, Settings settings) throws UnresolvableException {
    LeanNode.Address address = address(node, settings.addressTypes());
    return new KubeletEndpoint(address.address(), port(node, settings), path(node), address.type());
  }

  private static LeanNode.Address address(LeanNode node, List<String> types) throws UnresolvableException {
    List<LeanNode.Address> addresses = node.getStatus().addresses();
    for (String type : types) {
      for (LeanNode.Address a : addresses) {
        if (type.equals(a.type()) && a.address() != null && !a.address().isEmpty()) {
          return a;
        }
      }
    }
    throw new UnresolvableException("no address of type " + String.join(", ", types)
        + " in status.addresses " + addresses.stream().map(a -> a.type() + "=" + a.address()).toList()
        + " (see --kubelet-preferred-address-types)");
  }

  private static int port(LeanNode node, Settings settings) {
    LeanNode.Endpoint kubelet = node.getStatus().daemonEndpoints().kubeletEndpoint();
    if (settings.useNodeStatusPort() && kubelet != null && kubelet.port() != null && kubelet.port() > 0) {
      return kubelet.port();
    }
    return settings.defaultPort();
  }

  private static String path(LeanNode node) throws UnresolvableException {
    Map<String, String> annotations = node.getMetadata().getAnnotations();
    String path = annotations == null ? null : annotations.get(PATH_ANNOTATION);
    if (path == null || path.isEmpty()) {
      return DEFAULT_PATH;
    }
    if (!path.startsWith("/")) {
      throw new UnresolvableException("annotation " + PATH_ANNOTATION + " must be an absolute path, got \"" + path + "\"");
    }
    return path;
  }

  @Override
  public String toString() {
    return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
  }
}
