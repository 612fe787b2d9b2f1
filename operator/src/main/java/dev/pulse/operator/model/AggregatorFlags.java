package dev.pulse.operator.model;

/**
 * The aggregator's flags the operator sets from the spec ({@code metrics-core}'s
 * {@code AggregatorOptions} defines them). The aggregator rejects a flag given twice, so
 * {@code spec.extraArgs} may not repeat any of these: {@link #MANAGED_PATTERN} is the CRD's check.
 */
public final class AggregatorFlags {

  public static final String SECURE_PORT = "--secure-port";
  public static final String TLS_CERT_FILE = "--tls-cert-file";
  public static final String TLS_PRIVATE_KEY_FILE = "--tls-private-key-file";
  public static final String METRIC_RESOLUTION = "--metric-resolution";
  public static final String KUBELET_PORT = "--kubelet-port";
  public static final String KUBELET_USE_NODE_STATUS_PORT = "--kubelet-use-node-status-port";
  public static final String KUBELET_PREFERRED_ADDRESS_TYPES = "--kubelet-preferred-address-types";
  public static final String KUBELET_CERTIFICATE_AUTHORITY = "--kubelet-certificate-authority";
  public static final String KUBELET_INSECURE_TLS = "--kubelet-insecure-tls";
  public static final String KUBELET_REQUEST_TIMEOUT = "--kubelet-request-timeout";
  public static final String NODE_SELECTOR = "--node-selector";

  /**
   * Matches an argument that sets a managed flag ({@code --flag}, {@code --flag=value}, {@code -l…});
   * {@code --kubeconfig} is included because the pod must use its in-cluster identity.
   */
  public static final String MANAGED_PATTERN = "^(-l.*|--(secure-port|tls-cert-file|tls-private-key-file"
      + "|metric-resolution|kubelet-port|kubelet-use-node-status-port|kubelet-preferred-address-types"
      + "|kubelet-certificate-authority|kubelet-insecure-tls|kubelet-request-timeout|node-selector"
      + "|kubeconfig)(=.*)?)$";

  private AggregatorFlags() {}
}
