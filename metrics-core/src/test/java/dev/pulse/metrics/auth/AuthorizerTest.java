package dev.pulse.metrics.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuthorizerTest {

  private static final UserInfo ALICE = new UserInfo("alice", "", List.of("dev", "system:authenticated"), Map.of());
  private static final AccessAttributes LIST_PODS =
      new AccessAttributes(ALICE, "list", "/apis/metrics.k8s.io/v1beta1/namespaces/team/pods", "metrics.k8s.io",
          "v1beta1", "pods", "team", null);

  private final AtomicInteger reviews = new AtomicInteger();

  private Authorizer authorizer(boolean allow, Duration allowedTtl, Duration deniedTtl) {
    return new Authorizer(a -> {
      reviews.incrementAndGet();
      return CompletableFuture.completedFuture(new Decision(allow, allow ? "" : "no RBAC rule"));
    }, Set.of("system:masters"), allowedTtl, deniedTtl);
  }

  @Test
  void aRepeatedRequestIsAnsweredFromTheCache() {
    Authorizer authorizer = authorizer(true, Duration.ofMinutes(1), Duration.ofMinutes(1));

    assertThat(authorizer.authorize(LIST_PODS).toCompletableFuture().join().allowed()).isTrue();
    assertThat(authorizer.authorize(LIST_PODS).toCompletableFuture().join().allowed()).isTrue();

    assertThat(reviews).hasValue(1);
  }

  @Test
  void anotherNamespaceIsAnotherQuestion() {
    Authorizer authorizer = authorizer(true, Duration.ofMinutes(1), Duration.ofMinutes(1));
    authorizer.authorize(LIST_PODS).toCompletableFuture().join();
    authorizer.authorize(new AccessAttributes(ALICE, "list", "/x", "metrics.k8s.io", "v1beta1", "pods", "other", null))
        .toCompletableFuture().join();

    assertThat(reviews).hasValue(2);
  }

  @Test
  void deniedVerdictsExpireOnTheirOwnTtl() throws InterruptedException {
    Authorizer authorizer = authorizer(false, Duration.ofMinutes(1), Duration.ofMillis(1));
    authorizer.authorize(LIST_PODS).toCompletableFuture().join();
    Thread.sleep(20);
    Decision again = authorizer.authorize(LIST_PODS).toCompletableFuture().join();

    assertThat(again).isEqualTo(new Decision(false, "no RBAC rule"));
    assertThat(reviews).hasValue(2);
  }

  @Test
  void systemMastersNeedNoReview() {
    Authorizer authorizer = authorizer(false, Duration.ofMinutes(1), Duration.ofMinutes(1));
    UserInfo aggregator = new UserInfo("system:kube-aggregator", "", List.of("system:masters"), Map.of());

    assertThat(authorizer.authorize(LIST_PODS.withUser(aggregator)).toCompletableFuture().join().allowed()).isTrue();
    assertThat(reviews).hasValue(0);
  }

  @Test
  void aFailedReviewDeniesAndIsNotRemembered() {
    AtomicInteger calls = new AtomicInteger();
    Authorizer authorizer = new Authorizer(a -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
    }, Set.of(), Duration.ofMinutes(1), Duration.ofMinutes(1));

    Decision first = authorizer.authorize(LIST_PODS).toCompletableFuture().join();
    authorizer.authorize(LIST_PODS).toCompletableFuture().join();

    assertThat(first).isEqualTo(new Decision(false, "authorization check failed: connection refused"));
    assertThat(calls).hasValue(2);
  }
}
