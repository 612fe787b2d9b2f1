package dev.pulse.metrics.testing;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * fabric8's CRUD mock API server over HTTPS on 127.0.0.1, answering SubjectAccessReviews by a test
 * policy (the CRUD store would echo them back undecided), and with one fix-up: its CRUD store knows no
 * field but {@code metadata.name} and {@code metadata.namespace}, so {@code status.phase=Running}
 * matches nothing and an informer asking for Running pods would see none. The dispatcher drops that
 * one selector before the store sees it (and records that it was asked for): the aggregator then
 * receives every pod, Pending ones included, which is what its own phase filter is there for.
 */
public final class MockKubeApi implements AutoCloseable {

  public static final String RUNNING_PODS = "status.phase=Running";
  /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    // The mock logs every request at INFO through java.util.logging; the aggregator's own log is what matters.
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final List<String> podQueries = new CopyOnWriteArrayList<>();
  private final List<SubjectAccessReviewSpec> reviews = new CopyOnWriteArrayList<>();
  private volatile Predicate<SubjectAccessReviewSpec> policy = spec -> false;
  private final List<String> tokenReviews = new CopyOnWriteArrayList<>();
  private volatile Map<String, UserInfo> tokens = Map.of();

  public MockKubeApi() throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    Dispatcher crud = new KubernetesMixedDispatcher(responses);
    Dispatcher dispatcher = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if (path.contains("/pods?")) {
          podQueries.add(URLDecoder.decode(path.substring(path.indexOf('?') + 1), StandardCharsets.UTF_8));
        }
        return crud.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), withoutRunningSelector(path),
            request.getHeaders(), request.getBody()));
      }

      @Override
      public void shutdown() {
        crud.shutdown();
      }
    };
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
        dispatcher, true);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReply(201, request -> {
      SubjectAccessReview review = Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
      reviews.add(review.getSpec());
      boolean allowed = policy.test(review.getSpec());
      // RBAC's answers: a reason when allowed, none when denied.
      review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed)
          .withReason(allowed ? "RBAC: allowed by test policy" : "").build());
      return review;
    }).always();
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
      TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
      String token = review.getSpec().getToken();
      tokenReviews.add(token);
      UserInfo user = tokens.get(token);
      // The token authenticator's answers: a user, or an error and authenticated false.
      review.setStatus(user == null
          ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build()
          : new TokenReviewStatusBuilder().withAuthenticated(true).withUser(user).build());
      return review;
    }).always();
  }

  /** The tokens TokenReview accepts from now on, and whom each stands for (the default accepts none). */
  public void acceptTokens(Map<String, UserInfo> users) {
    this.tokens = Map.copyOf(users);
  }

  /** The token of every TokenReview received so far. */
  public List<String> tokenReviews() {
    return List.copyOf(tokenReviews);
  }

  /** Decides every SubjectAccessReview from now on (the default denies all). */
  public void authorize(Predicate<SubjectAccessReviewSpec> allowed) {
    this.policy = allowed;
  }

  /** Every SubjectAccessReview received so far. */
  public List<SubjectAccessReviewSpec> reviews() {
    return List.copyOf(reviews);
  }

  /** A client of this server authenticating with {@code bearerToken}, as a kubeconfig with a token would. */
  public KubernetesClient client(String bearerToken) {
    return server.createClient(builder -> builder.editOrNewConfig()
        .withMasterUrl("https://127.0.0.1:" + server.getPort() + "/")
        .withOauthToken(bearerToken)
        .endConfig());
  }

  /** Decoded query strings of every pod list and watch request, in arrival order. */
  public List<String> podQueries() {
    return List.copyOf(podQueries);
  }

  @Override
  public void close() {
    server.destroy();
  }

  private static String withoutRunningSelector(String path) {
    int query = path.indexOf('?');
    if (query < 0) {
      return path;
    }
    String kept = Arrays.stream(path.substring(query + 1).split("&"))
        .filter(p -> !p.startsWith("fieldSelector=")
            || !URLDecoder.decode(p.substring("fieldSelector=".length()), StandardCharsets.UTF_8).equals(RUNNING_PODS))
        .collect(Collectors.joining("&"));
    return path.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
  }
}
