package dev.pulse.metrics.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** TokenReview and SubjectAccessReview calls to the API server, off the event loop. */
final class KubernetesReviews {

  private final KubernetesClient client;
  private final Executor executor;

  KubernetesReviews(KubernetesClient client, Executor executor) {
    this.client = client;
    this.executor = executor;
  }

  CompletionStage<Authentication> tokenReview(String token) {
    return CompletableFuture.supplyAsync(() -> {
      TokenReview review = client.authentication().v1().tokenReviews()
          .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
      var status = review.getStatus();
      if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
        String error = status == null || status.getError() == null || status.getError().isEmpty()
            ? "token not accepted" : status.getError();
        return Authentication.failed("token: " + error);
      }
      UserInfo user = status.getUser();
      return Authentication.of(new dev.pulse.metrics.auth.UserInfo(user.getUsername(),
          user.getUid() == null ? "" : user.getUid(),
          user.getGroups() == null ? List.of() : List.copyOf(user.getGroups()),
          user.getExtra() == null ? Map.of() : Map.copyOf(user.getExtra())));
    }, executor);
  }

  CompletionStage<Decision> subjectAccessReview(AccessAttributes a) {
    return CompletableFuture.supplyAsync(() -> {
      var spec = new SubjectAccessReviewBuilder().withNewSpec()
          .withUser(a.user().name())
          .withUid(a.user().uid())
          .withGroups(a.user().groups())
          .withExtra(a.user().extra());
      spec = a.resourceRequest()
          ? spec.withNewResourceAttributes().withVerb(a.verb()).withGroup(a.group()).withVersion(a.version())
              .withResource(a.resource()).withNamespace(a.namespace()).withName(a.name()).endResourceAttributes()
          : spec.withNewNonResourceAttributes().withVerb(a.verb()).withPath(a.path()).endNonResourceAttributes();
      SubjectAccessReview review = client.authorization().v1().subjectAccessReview().create(spec.endSpec().build());
      SubjectAccessReviewStatus status = review.getStatus();
      boolean allowed = status != null && Boolean.TRUE.equals(status.getAllowed());
      String reason = status == null ? "" : status.getReason() == null ? "" : status.getReason();
      return new Decision(allowed, reason);
    }, executor);
  }
}
