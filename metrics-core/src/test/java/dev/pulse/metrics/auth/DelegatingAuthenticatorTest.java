package dev.pulse.metrics.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.metrics.testing.TestPki;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The union: who wins, when bad credentials fail, when the caller is anonymous; token caching. */
class DelegatingAuthenticatorTest {

  private static final TestPki.Ca FRONT_PROXY_CA = TestPki.newCa("front-proxy-ca");
  private static final TestPki.Ca CLIENT_CA = TestPki.newCa("client-ca");
  private static final AuthenticationConfig CONFIG = new AuthenticationConfig(List.of(FRONT_PROXY_CA.certificate()),
      List.of("front-proxy-client"), List.of("X-Remote-User"), List.of(), List.of("X-Remote-Group"),
      List.of("X-Remote-Extra-"), List.of(CLIENT_CA.certificate()));
  private static final UserInfo BOB = new UserInfo("bob", "42", List.of("devs"), Map.of());

  private final AtomicInteger reviews = new AtomicInteger();

  private DelegatingAuthenticator authenticator() {
    TokenAuthenticator tokens = new TokenAuthenticator(token -> {
      reviews.incrementAndGet();
      return CompletableFuture.completedFuture(token.equals("good")
          ? Authentication.of(BOB) : Authentication.failed("token: invalid bearer token"));
    }, Duration.ofMinutes(1), Duration.ofMinutes(1));
    return new DelegatingAuthenticator(() -> CONFIG, tokens);
  }

  private static Authentication run(DelegatingAuthenticator a, AuthRequest r) {
    return a.authenticate(r).toCompletableFuture().join();
  }

  @Test
  void noCredentialsMakeTheCallerAnonymous() {
    Authentication a = run(authenticator(), new AuthRequest(List.of(), Map.of("x-remote-user", List.of("mallory"))));

    assertThat(a.user()).isEqualTo(UserInfo.ANONYMOUS);
  }

  @Test
  void anAcceptedTokenAuthenticatesAndAddsSystemAuthenticated() {
    Authentication a = run(authenticator(), new AuthRequest(List.of(), Map.of("authorization", List.of("Bearer good"))));

    assertThat(a.user()).isEqualTo(new UserInfo("bob", "42", List.of("devs", "system:authenticated"), Map.of()));
  }

  @Test
  void aRejectedTokenFailsRatherThanFallingBackToAnonymous() {
    Authentication a = run(authenticator(), new AuthRequest(List.of(), Map.of("authorization", List.of("Bearer bad"))));

    assertThat(a.authenticated()).isFalse();
    assertThat(a.error()).isEqualTo("token: invalid bearer token");
  }

  @Test
  void tokenVerdictsAreRemembered() {
    DelegatingAuthenticator authenticator = authenticator();
    for (String token : List.of("good", "good", "bad", "bad")) {
      run(authenticator, new AuthRequest(List.of(), Map.of("authorization", List.of("Bearer " + token))));
    }

    assertThat(reviews).hasValue(2);
  }

  @Test
  void theFrontProxyWinsOverATokenItCarries() {
    TestPki.Issued proxy = FRONT_PROXY_CA.issueClient("front-proxy-client");
    Authentication a = run(authenticator(), new AuthRequest(List.of(proxy.certificate()),
        Map.of("x-remote-user", List.of("alice"), "authorization", List.of("Bearer bad"))));

    assertThat(a.user().name()).isEqualTo("alice");
    assertThat(reviews).hasValue(0);
  }

  @Test
  void anUntrustedCertificateFailsEvenWithoutOtherCredentials() {
    TestPki.Issued stranger = TestPki.newCa("elsewhere").issueClient("front-proxy-client");
    Authentication a = run(authenticator(), new AuthRequest(List.of(stranger.certificate()),
        Map.of("x-remote-user", List.of("alice"))));

    assertThat(a.authenticated()).isFalse();
    assertThat(a.error()).contains("request-header client certificate").contains("client certificate: x509");
  }

  @Test
  void aFailingTokenReviewIsAnErrorAndNotRemembered() {
    AtomicInteger calls = new AtomicInteger();
    TokenAuthenticator tokens = new TokenAuthenticator(token -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(new IllegalStateException("API server unreachable"));
    }, Duration.ofMinutes(1), Duration.ofMinutes(1));
    DelegatingAuthenticator authenticator = new DelegatingAuthenticator(() -> CONFIG, tokens);
    AuthRequest r = new AuthRequest(List.of(), Map.of("authorization", List.of("Bearer good")));

    assertThat(run(authenticator, r).error()).isEqualTo("token review failed: API server unreachable");
    run(authenticator, r);
    assertThat(calls).hasValue(2);
  }
}
