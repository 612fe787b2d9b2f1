package dev.pulse.metrics.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Bearer tokens, checked by TokenReview against the API server and remembered briefly: accepted
 * tokens for one TTL, rejected ones for another. Errors reaching the API server are not remembered.
 */
final class TokenAuthenticator {

  private final Function<String, CompletionStage<Authentication>> review;
  /** Keyed by the token's SHA-256: the cache never holds a usable credential. */
  private final AsyncCache<String, Authentication> cache;

  TokenAuthenticator(Function<String, CompletionStage<Authentication>> review, Duration acceptedTtl,
      Duration rejectedTtl) {
    this.review = review;
    this.cache = Caffeine.newBuilder()
        .maximumSize(10_000)
        .expireAfter(Expiry.<String, Authentication>creating(
            (key, result) -> result.authenticated() ? acceptedTtl : rejectedTtl))
        .buildAsync();
  }

  CompletionStage<Authentication> authenticate(String token) {
    return cache.get(sha256(token), (key, executor) -> review.apply(token).toCompletableFuture())
        .exceptionally(e -> Authentication.failed("token review failed: " + rootMessage(e)));
  }

  static String rootMessage(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage();
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
