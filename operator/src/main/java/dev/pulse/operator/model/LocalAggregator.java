package dev.pulse.operator.model;

import java.util.Optional;

/**
 * Development mode: the aggregator runs as a process on the API server's machine instead of in
 * the Deployment's pods, as in {@code make up}, where simulated nodes run no containers. The
 * Service becomes an ExternalName to {@code host}, which kube-apiserver dials at the APIService's
 * port, still verifying the serving certificate for {@code <service>.<namespace>.svc} against the
 * caBundle. Everything else is provisioned as in a cluster.
 *
 * @param host what kube-apiserver resolves and dials, e.g. {@code localhost}
 * @param port the aggregator's port on that host
 */
public record LocalAggregator(String host, int port) {

  /** The environment variable that turns the mode on, {@code host:port}. */
  public static final String ENV = "PULSE_LOCAL_AGGREGATOR";

  /**
   * @param value {@code host:port}, or null when the mode is off
   * @throws IllegalArgumentException naming {@link #ENV} and what is wrong with {@code value}
   */
  public static Optional<LocalAggregator> parse(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? "" : value.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = 0;
    }
    // An ExternalName must be a DNS name: kube-apiserver rejects IP addresses there.
    if (!host.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || host.matches("[0-9.]+") || port < 1 || port > 65535) {
      throw new IllegalArgumentException(ENV + "=" + value + " is not <dns-name>:<port> (e.g. localhost:24443)");
    }
    return Optional.of(new LocalAggregator(host, port));
  }
}
