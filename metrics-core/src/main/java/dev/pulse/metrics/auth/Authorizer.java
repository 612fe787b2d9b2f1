package dev.pulse.metrics.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Delegated authorization: SubjectAccessReview per request, remembered briefly (allowed and
 * denied verdicts each for their own TTL). Members of the always-allowed groups skip the review,
 * as with the API server's defaults ({@code system:masters}): the aggregation layer's own
 * availability checks come in as that group.
 */
final class Authorizer {

  private final Function<AccessAttributes, CompletionStage<Decision>> review;
  private final Set<String> alwaysAllowGroups;
  private final AsyncCache<AccessAttributes, Decision> cache;

  Authorizer(Function<AccessAttributes, CompletionStage<Decision>> review, Set<String> alwaysAllowGroups,
      Duration allowedTtl, Duration deniedTtl) {
    this.review = review;
    this.alwaysAllowGroups = alwaysAllowGroups;
    this.cache = Caffeine.newBuilder()
        .maximumSize(10_000)
        .expireAfter(Expiry.<AccessAttributes, Decision>creating((key, d) -> d.allowed() ? allowedTtl : deniedTtl))
        .buildAsync();
  }

  CompletionStage<Decision> authorize(AccessAttributes attributes) {
    if (attributes.user().groups().stream().anyMatch(alwaysAllowGroups::contains)) {
      return CompletableFuture.completedFuture(new Decision(true, ""));
    }
    return cache.get(attributes, (key, executor) -> review.apply(key).toCompletableFuture())
        .exceptionally(e -> new Decision(false, "authorization check failed: " + TokenAuthenticator.rootMessage(e)));
  }
}
