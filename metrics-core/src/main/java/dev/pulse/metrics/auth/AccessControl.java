package dev.pulse.metrics.auth;

import dev.pulse.metrics.config.AuthOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Who is asking, and may they: the authentication union and the delegated authorizer of an
 * aggregated API server, configured from the flags and the cluster.
 */
public final class AccessControl implements AutoCloseable {

  /** The API server's default: members skip authorization. */
  private static final Set<String> ALWAYS_ALLOW_GROUPS = Set.of("system:masters");

  private final AuthenticationSource source;
  private final DelegatingAuthenticator authenticator;
  private final Authorizer authorizer;
  private final Set<String> alwaysAllowPaths;
  private final ExecutorService reviews;

  private AccessControl(AuthenticationSource source, DelegatingAuthenticator authenticator, Authorizer authorizer,
      Set<String> alwaysAllowPaths, ExecutorService reviews) {
    this.source = source;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.alwaysAllowPaths = alwaysAllowPaths;
    this.reviews = reviews;
  }

  /**
   * @throws IOException when a CA file named by a flag cannot be read
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the authentication ConfigMap cannot be listed
   */
  public static AccessControl start(KubernetesClient client, AuthOptions options) throws IOException {
    AuthenticationSource.Overrides overrides = new AuthenticationSource.Overrides(
        caFile("--requestheader-client-ca-file", options.requestHeaderClientCaFile),
        options.requestHeaderAllowedNames, options.requestHeaderUsernameHeaders, options.requestHeaderUidHeaders,
        options.requestHeaderGroupHeaders, options.requestHeaderExtraHeadersPrefix,
        caFile("--client-ca-file", options.clientCaFile));
    // Reviews block on HTTP calls to the API server; a few threads keep them off the event loop.
    ExecutorService reviews = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "access-review");
      t.setDaemon(true);
      return t;
    });
    KubernetesReviews api = new KubernetesReviews(client, reviews);
    AuthenticationSource source = new AuthenticationSource(client, overrides);
    TokenAuthenticator tokens = new TokenAuthenticator(api::tokenReview, options.tokenCacheTtl,
        options.tokenCacheUnauthorizedTtl);
    return new AccessControl(source, new DelegatingAuthenticator(source::current, tokens),
        new Authorizer(api::subjectAccessReview, ALWAYS_ALLOW_GROUPS, options.authorizedTtl, options.unauthorizedTtl),
        Set.copyOf(options.alwaysAllowPaths), reviews);
  }

  private static List<X509Certificate> caFile(String flag, Path file) throws IOException {
    return file == null ? null : AuthenticationConfig.certificates(flag, Files.readString(file));
  }

  /** Paths anyone may get without credentials (health probes by default). */
  public boolean alwaysAllowed(String path) {
    return alwaysAllowPaths.contains(path);
  }

  public CompletionStage<Authentication> authenticate(AuthRequest request) {
    return authenticator.authenticate(request);
  }

  public CompletionStage<Decision> authorize(AccessAttributes attributes) {
    return authorizer.authorize(attributes);
  }

  @Override
  public void close() {
    source.close();
    reviews.shutdownNow();
  }
}
