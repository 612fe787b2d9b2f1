package dev.pulse.metrics.config;

import dev.pulse.metrics.api.types.GoDurations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The aggregator's flags. Names, meanings and defaults follow metrics-server wherever it has the
 * same flag, so its manifests and habits carry over; the defaults are those of its shipped
 * manifests (15s resolution, InternalIP first), not of its binary.
 */
public final class AggregatorOptions {

  /** Parses Go duration syntax ({@code 15s}, {@code 1m30s}) like metrics-server's flags. */
  static final class GoDurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return GoDurations.parse(value);
    }
  }

  @Mixin
  public final AuthOptions auth = new AuthOptions();

  @Option(names = "--kubeconfig", description = "Kubeconfig file; in-cluster configuration when empty.")
  public Path kubeconfig;

  @Option(names = "--metric-resolution", defaultValue = "15s", converter = GoDurationConverter.class,
      description = "Interval at which every kubelet is scraped (default: ${DEFAULT-VALUE}).")
  public Duration metricResolution;

  @Option(names = "--kubelet-port", defaultValue = "10250", description = "Kubelet port (default: ${DEFAULT-VALUE}).")
  public int kubeletPort;

  @Option(names = "--kubelet-use-node-status-port",
      description = "Use the port in the node's status.daemonEndpoints instead of --kubelet-port.")
  public boolean kubeletUseNodeStatusPort;

  @Option(names = "--kubelet-preferred-address-types", split = ",",
      defaultValue = "InternalIP,ExternalIP,Hostname",
      description = "Node address types to try, in order (default: ${DEFAULT-VALUE}).")
  public List<String> kubeletPreferredAddressTypes;

  @Option(names = "--kubelet-certificate-authority",
      description = "CA file that signs kubelet serving certificates; the cluster CA when empty.")
  public Path kubeletCertificateAuthority;

  @Option(names = "--kubelet-insecure-tls",
      description = "Do not verify kubelet serving certificates. For test clusters only.")
  public boolean kubeletInsecureTls;

  @Option(names = "--kubelet-client-certificate", description = "Client certificate for kubelets (with --kubelet-client-key).")
  public Path kubeletClientCertificate;

  @Option(names = "--kubelet-client-key", description = "Client key for kubelets (with --kubelet-client-certificate).")
  public Path kubeletClientKey;

  @Option(names = "--kubelet-request-timeout", defaultValue = "10s", converter = GoDurationConverter.class,
      description = "Deadline of one kubelet request (default: ${DEFAULT-VALUE}).")
  public Duration kubeletRequestTimeout;

  @Option(names = "--kubelet-max-concurrency", defaultValue = "64",
      description = "Kubelet requests in flight at once (default: ${DEFAULT-VALUE}).")
  public int kubeletMaxConcurrency;

  @Option(names = "--kubelet-max-response-bytes", defaultValue = "16777216",
      description = "Largest kubelet response accepted, in bytes (default: ${DEFAULT-VALUE}).")
  public int kubeletMaxResponseBytes;

  @Option(names = "--kubelet-failure-tolerance", defaultValue = "1",
      description = "Consecutive failed scrapes of a node across which its last metrics stay served;"
          + " 0 drops them at the first failure (default: ${DEFAULT-VALUE}).")
  public int kubeletFailureTolerance;

  @Option(names = {"-l", "--node-selector"}, defaultValue = "",
      description = "Label selector of the nodes to scrape; all nodes when empty.")
  public String nodeSelector;

  @Option(names = "--secure-port", defaultValue = "10250", description = "HTTPS port (default: ${DEFAULT-VALUE}).")
  public int securePort;

  @Option(names = "--bind-address", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  public String bindAddress;

  @Option(names = "--tls-cert-file",
      description = "Serving certificate (PEM, chain allowed); reloaded when it changes. Self-signed when empty.")
  public Path tlsCertFile;

  @Option(names = "--tls-private-key-file", description = "Private key of --tls-cert-file (PEM).")
  public Path tlsPrivateKeyFile;

  @Option(names = "--tls-reload-interval", defaultValue = "10s", converter = GoDurationConverter.class,
      description = "How often the serving certificate files are checked for changes (default: ${DEFAULT-VALUE}).")
  public Duration tlsReloadInterval;

  @Option(names = "--max-requests-inflight", defaultValue = "400",
      description = "API requests served at once (health probes aside); more are answered 429 with Retry-After,"
          + " as kube-apiserver does (default: ${DEFAULT-VALUE}).")
  public int maxRequestsInflight;

  @Option(names = "--request-timeout", defaultValue = "1m0s", converter = GoDurationConverter.class,
      description = "Longest an API request may take from its headers to its answer; then 504"
          + " (default: ${DEFAULT-VALUE}).")
  public Duration requestTimeout;

  @Option(names = "--max-connections", defaultValue = "1000",
      description = "Client connections open at once; a connection beyond it is closed at once (default: ${DEFAULT-VALUE}).")
  public int maxConnections;

  @Option(names = "--idle-connection-timeout", defaultValue = "30s", converter = GoDurationConverter.class,
      description = "How long a connection may wait for its next request (default: ${DEFAULT-VALUE}).")
  public Duration idleConnectionTimeout;

  @Option(names = "--header-read-timeout", defaultValue = "30s", converter = GoDurationConverter.class,
      description = "How long a new connection may take for its TLS handshake, and then for its first request's"
          + " headers, however slowly bytes keep coming (default: ${DEFAULT-VALUE}).")
  public Duration headerReadTimeout;

  /** Every problem with the flags, each naming the flag; empty when they are usable. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (metricResolution.compareTo(Duration.ofSeconds(1)) < 0) {
      errors.add("--metric-resolution must be at least 1s, got " + GoDurations.format(metricResolution));
    }
    if (kubeletRequestTimeout.isZero() || kubeletRequestTimeout.isNegative()) {
      errors.add("--kubelet-request-timeout must be positive");
    } else if (kubeletRequestTimeout.compareTo(metricResolution) >= 0) {
      errors.add("--kubelet-request-timeout (" + GoDurations.format(kubeletRequestTimeout)
          + ") must be shorter than --metric-resolution (" + GoDurations.format(metricResolution) + ")");
    }
    if (kubeletInsecureTls && kubeletCertificateAuthority != null) {
      errors.add("--kubelet-insecure-tls and --kubelet-certificate-authority contradict each other: pick one");
    }
    if ((kubeletClientCertificate == null) != (kubeletClientKey == null)) {
      errors.add("--kubelet-client-certificate and --kubelet-client-key must be given together");
    }
    if ((tlsCertFile == null) != (tlsPrivateKeyFile == null)) {
      errors.add("--tls-cert-file and --tls-private-key-file must be given together");
    }
    for (String type : kubeletPreferredAddressTypes) {
      if (!List.of("Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP").contains(type)) {
        errors.add("--kubelet-preferred-address-types: unknown address type \"" + type
            + "\" (allowed: Hostname, InternalDNS, InternalIP, ExternalDNS, ExternalIP)");
      }
    }
    if (kubeletPort < 1 || kubeletPort > 65535) {
      errors.add("--kubelet-port must be between 1 and 65535, got " + kubeletPort);
    }
    if (securePort < 0 || securePort > 65535) {
      errors.add("--secure-port must be between 0 and 65535, got " + securePort);
    }
    if (kubeletMaxConcurrency < 1) {
      errors.add("--kubelet-max-concurrency must be at least 1, got " + kubeletMaxConcurrency);
    }
    if (kubeletMaxResponseBytes < 1024) {
      errors.add("--kubelet-max-response-bytes must be at least 1024, got " + kubeletMaxResponseBytes);
    }
    if (kubeletFailureTolerance < 0) {
      errors.add("--kubelet-failure-tolerance must not be negative, got " + kubeletFailureTolerance);
    }
    if (maxRequestsInflight < 1) {
      errors.add("--max-requests-inflight must be at least 1, got " + maxRequestsInflight);
    }
    if (maxConnections < 1) {
      errors.add("--max-connections must be at least 1, got " + maxConnections);
    }
    positive(errors, "--request-timeout", requestTimeout);
    positive(errors, "--idle-connection-timeout", idleConnectionTimeout);
    positive(errors, "--header-read-timeout", headerReadTimeout);
    return errors;
  }

  private static void positive(List<String> errors, String flag, Duration value) {
    if (value.toMillis() < 1) {
      errors.add(flag + " must be at least 1ms, got " + GoDurations.format(value));
    }
  }
}
