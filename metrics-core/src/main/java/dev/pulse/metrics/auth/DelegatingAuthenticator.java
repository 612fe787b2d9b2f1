package dev.pulse.metrics.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Kubernetes' authenticator union for aggregated API servers: front-proxy headers, then client
 * certificates, then bearer tokens; the first that recognises the caller wins. Bad credentials
 * with no success elsewhere fail (401); no credentials at all make the caller anonymous, whom
 * authorization then judges.
 */
final class DelegatingAuthenticator {

  private final Supplier<AuthenticationConfig> config;
  private final TokenAuthenticator tokens;

  DelegatingAuthenticator(Supplier<AuthenticationConfig> config, TokenAuthenticator tokens) {
    this.config = config;
    this.tokens = tokens;
  }

  CompletionStage<Authentication> authenticate(AuthRequest request) {
    AuthenticationConfig current = config.get();
    List<String> errors = new ArrayList<>();
    for (Authentication a : List.of(CertificateAuthenticators.requestHeader(request, current),
        CertificateAuthenticators.clientCertificate(request, current))) {
      if (a.authenticated()) {
        return CompletableFuture.completedFuture(Authentication.of(a.user().authenticated()));
      }
      if (a.error() != null) {
        errors.add(a.error());
      }
    }
    String token = request.bearerToken();
    CompletionStage<Authentication> byToken = token == null
        ? CompletableFuture.completedFuture(Authentication.NONE) : tokens.authenticate(token);
    return byToken.thenApply(a -> {
      if (a.authenticated()) {
        return Authentication.of(a.user().authenticated());
      }
      if (a.error() != null) {
        errors.add(a.error());
      }
      return errors.isEmpty() ? Authentication.of(UserInfo.ANONYMOUS) : Authentication.failed(String.join("; ", errors));
    });
  }
}
