package dev.pulse.metrics.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Authentication and authorization flags, named as metrics-server's. Unset request-header and
 * client-CA flags are read from {@code kube-system/extension-apiserver-authentication}, which
 * kube-apiserver keeps current; a set flag overrides that ConfigMap's key.
 */
public final class AuthOptions {

  @Option(names = "--client-ca-file", description = "CA bundle of user client certificates; from the ConfigMap when unset.")
  public Path clientCaFile;

  @Option(names = "--requestheader-client-ca-file",
      description = "CA bundle of the front proxy's client certificate; from the ConfigMap when unset.")
  public Path requestHeaderClientCaFile;

  @Option(names = "--requestheader-allowed-names", split = ",",
      description = "Common names the front proxy may use; any when empty. From the ConfigMap when unset.")
  public List<String> requestHeaderAllowedNames;

  @Option(names = "--requestheader-username-headers", split = ",", description = "Headers carrying the user name.")
  public List<String> requestHeaderUsernameHeaders;

  @Option(names = "--requestheader-uid-headers", split = ",", description = "Headers carrying the user's UID.")
  public List<String> requestHeaderUidHeaders;

  @Option(names = "--requestheader-group-headers", split = ",", description = "Headers carrying the user's groups.")
  public List<String> requestHeaderGroupHeaders;

  @Option(names = "--requestheader-extra-headers-prefix", split = ",", description = "Prefixes of extra-attribute headers.")
  public List<String> requestHeaderExtraHeadersPrefix;

  @Option(names = "--authentication-token-webhook-cache-ttl", defaultValue = "10s",
      converter = AggregatorOptions.GoDurationConverter.class,
      description = "How long TokenReview verdicts are remembered (default: ${DEFAULT-VALUE}).")
  public Duration tokenCacheTtl;

  @Option(names = "--authentication-token-webhook-cache-unauthorized-ttl", defaultValue = "10s",
      converter = AggregatorOptions.GoDurationConverter.class,
      description = "How long rejected tokens are remembered (default: ${DEFAULT-VALUE}).")
  public Duration tokenCacheUnauthorizedTtl;

  @Option(names = "--authorization-webhook-cache-authorized-ttl", defaultValue = "10s",
      converter = AggregatorOptions.GoDurationConverter.class,
      description = "How long allowed SubjectAccessReview verdicts are remembered (default: ${DEFAULT-VALUE}).")
  public Duration authorizedTtl;

  @Option(names = "--authorization-webhook-cache-unauthorized-ttl", defaultValue = "10s",
      converter = AggregatorOptions.GoDurationConverter.class,
      description = "How long denied SubjectAccessReview verdicts are remembered (default: ${DEFAULT-VALUE}).")
  public Duration unauthorizedTtl;

  @Option(names = "--authorization-always-allow-paths", split = ",", defaultValue = "/healthz,/readyz,/livez",
      description = "Paths served to anyone, without authentication (default: ${DEFAULT-VALUE}).")
  public List<String> alwaysAllowPaths;
}
