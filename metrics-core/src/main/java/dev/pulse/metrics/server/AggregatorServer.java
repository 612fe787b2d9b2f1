package dev.pulse.metrics.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.Version;
import dev.pulse.metrics.api.ApiRequest;
import dev.pulse.metrics.api.Discovery;
import dev.pulse.metrics.api.MetricsApi;
import dev.pulse.metrics.api.Output;
import dev.pulse.metrics.api.Reply;
import dev.pulse.metrics.api.representation.MediaType;
import dev.pulse.metrics.api.representation.ProtobufEncoding;
import dev.pulse.metrics.api.representation.YamlEncoding;
import dev.pulse.metrics.api.types.Status;
import dev.pulse.metrics.api.types.MetricsGroup;
import dev.pulse.metrics.auth.AccessAttributes;
import dev.pulse.metrics.auth.AccessControl;
import dev.pulse.metrics.auth.AuthRequest;
import dev.pulse.metrics.auth.Authentication;
import dev.pulse.metrics.auth.UserInfo;
import dev.pulse.metrics.openapi.OpenApi;
import dev.pulse.metrics.scrape.NodeHealth;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS front: health probes, own metrics, and the metrics.k8s.io API. Every other request
 * passes a pipeline of route handlers — describe what it asks for, authenticate the caller,
 * authorize the request, serve it — each stage doing one thing and handing over through the
 * routing context.
 */
public final class AggregatorServer {

  private static final Logger LOG = LoggerFactory.getLogger(AggregatorServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The HTTP/2 error code Go's server resets a stream with when its request line is malformed. */
  private static final long HTTP2_PROTOCOL_ERROR = 0x1;
  /** A shared list is let go of once its second is over (and its last requests were answered). */
  private static final long SHARED_LIST_LIFETIME_MILLIS = 2_000;
  /** kube-apiserver's advice to a client refused by the in-flight limit. */
  private static final int RETRY_AFTER_SECONDS = 1;

  /** The three Kubernetes-style health endpoints. */
  record Probes(Health livez, Health readyz, Health healthz) {
    List<Health> all() {
      return List.of(livez, readyz, healthz);
    }
  }

  /**
   * The scrape loop's node summary (JSON of {@link NodeHealth}), for the operator's status. Outside
   * the API group, so kube-apiserver never proxies it: a non-resource URL, authorized like
   * {@code /metrics} with a SubjectAccessReview of {@code get} on this path.
   */
  public static final String NODE_HEALTH_PATH = "/pulse/v1/nodes";

  private final Vertx vertx;
  private final MetricsApi api;
  private final Supplier<NodeHealth> nodeHealth;
  private final AccessControl access;
  private final Probes probes;
  private final ClientLimits limits;
  private final PrometheusMeterRegistry registry;
  private final Index index;
  private final OpenApi openApi = OpenApi.load(Version.current(), Instant.now());
  private final byte[] version = IndentedJson.write(VersionInfo.current(Version.current()));
  private final AtomicReference<ServingCertificate> certificate = new AtomicReference<>();
  private final SharedLists sharedLists = new SharedLists();
  private HttpServer server;
  private long reloadTimer = -1;

  AggregatorServer(Vertx vertx, MetricsApi api, Supplier<NodeHealth> nodeHealth, AccessControl access, Probes probes,
      ClientLimits limits, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.api = api;
    this.nodeHealth = nodeHealth;
    this.access = access;
    this.probes = probes;
    this.limits = limits;
    this.registry = registry;
    this.index = new Index(probes.all());
  }

  /** Listens; the future carries the bound port (useful with port 0). */
  Future<Integer> start(String host, int port, ServingCertificate cert) {
    certificate.set(cert);
    Router router = Router.router(vertx);
    router.route().handler(this::track);
    router.route().handler(this::describe);
    router.route().handler(this::probe);
    router.route().handler(this::admit);
    router.route().handler(this::authenticate);
    router.route().handler(this::authorize);
    router.route().handler(this::serve);
    server = vertx.createHttpServer(limits.apply(Tls.serverOptions(cert)))
        .connectionHandler(limits::connected)
        .requestHandler(router);
    return server.listen(port, host).map(HttpServer::actualPort);
  }
  Future<Void> close() {
    if (reloadTimer >= 0) {
      vertx.cancelTimer(reloadTimer);
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Re-reads the certificate files every {@code interval} and swaps the live certificate when
   * their content changed: the operator rotates them in place, without restarting pods.
   */
  void reloadCertificateFrom(Path certFile, Path keyFile, Duration interval) {
    // The content last looked at, applied or refused: each new pair is tried once, not every interval.
    AtomicReference<ServingCertificate> seen = new AtomicReference<>(certificate.get());
    reloadTimer = vertx.setPeriodic(interval.toMillis(), id -> vertx
        .executeBlocking(() -> ServingCertificate.read(certFile, keyFile), false)
        .onSuccess(next -> {
          if (next.equals(seen.getAndSet(next))) {
            return;
          }
          // Checked before Vert.x sees it: a half-written rotation (new certificate, old key) would
          // otherwise be installed and fail every handshake until the key is written too.
          String problem = next.problem();
          if (problem != null) {
            LOG.warn("serving certificate in {} is unusable, keeping the current one: {}", certFile, problem);
          } else {
            server.updateSSLOptions(Tls.sslOptions(next), false)
                .onSuccess(v -> {
                  certificate.set(next);
                  LOG.info("serving certificate reloaded from {}", certFile);
                })
                .onFailure(e -> LOG.warn("serving certificate in {} is unusable, keeping the current one: {}",
                    certFile, e.getMessage()));
          }
        })
        .onFailure(e -> LOG.warn("cannot read serving certificate {}: {}", certFile, e.toString())));
  }

  /**
   * What the request asks for, in API terms and in authorization terms, by the path as Go's net/http
   * decodes it. A broken escape is refused as Go refuses it: 400 and a closed connection, or a reset
   * HTTP/2 stream.
   */
  private void describe(RoutingContext ctx) {
    long started = System.nanoTime();
    String path;
    try {
      path = RequestPaths.decode(ctx.request().path());
    } catch (IllegalArgumentException e) {
      if (ctx.request().version() == HttpVersion.HTTP_2) {
        ctx.response().reset(HTTP2_PROTOCOL_ERROR);
      } else {
        HttpConnection connection = ctx.request().connection();
        ctx.response().setStatusCode(400)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .putHeader(HttpHeaders.CONNECTION, "close")
            .end("400 Bad Request")
            .onComplete(v -> connection.close());
      }
      return;
    }
    Map<String, String> query = new HashMap<>();
    ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
    ApiRequest request = ApiRequest.parse(path, query).orElse(null);
    String verb = verb(ctx.request().method(), request);
    AccessAttributes attributes = request != null && !request.isDiscovery()
        ? new AccessAttributes(null, verb, request.path(), MetricsGroup.GROUP, MetricsGroup.VERSION,
            request.resource().path, request.namespace(), request.name())
        : AccessAttributes.nonResource(null, verb, path);
    new Exchange(path, started, request, attributes).handOn(ctx);
  }

  /**
   * {@code /livez}, {@code /readyz}, {@code /healthz} and each of their checks, for any method and
   * without credentials: a kubelet probes them. A check Pulse does not have goes on to the 404 listing.
   */
  private void probe(RoutingContext ctx) {
    String path = Exchange.of(ctx).path();
    for (Health health : probes.all()) {
      String root = "/" + health.endpoint();
      Optional<Health.Result> result = path.equals(root)
          ? Optional.of(health.evaluate(ctx.queryParams().contains("verbose")))
          : path.startsWith(root + "/") ? health.evaluate(path.substring(root.length() + 1)) : Optional.empty();
      if (result.isPresent()) {
        HttpServerResponse response = ctx.response().setStatusCode(result.get().status())
            .putHeader(HttpHeaders.CACHE_CONTROL, Reply.NO_CACHE)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (result.get().nosniff()) {
          response.putHeader("X-Content-Type-Options", "nosniff");
        }
        end(ctx, Buffer.buffer(result.get().body()));
        return;
      }
    }
    ctx.next();
  }

  /** Every request, probes too, keeps its connection from the header-read and idle timeouts while it lasts. */
  private void track(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    limits.requestStarted(connection);
    ctx.addEndHandler(v -> limits.requestEnded(connection));
    ctx.next();
  }

  /**
   * Sheds load beyond {@code --max-requests-inflight} as kube-apiserver does, and bounds each request's
   * time. Probes are not counted: a kubelet that got 429 from {@code /livez} would restart a busy server.
   */
  private void admit(RoutingContext ctx) {
    if (!limits.admit()) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
      respond(ctx, MetricsApi.Response.error(Status.tooManyRequests(RETRY_AFTER_SECONDS), MediaType.JSON));
      return;
    }
    long deadline = vertx.setTimer(limits.requestTimeoutMillis(), id -> timedOut(ctx));
    ctx.addEndHandler(v -> {
      vertx.cancelTimer(deadline);
      limits.release();
    });
    ctx.next();
  }

  /**
   * Answers are written whole, so a request still running has not begun its answer. One whose client
   * stopped reading has ended as far as the server is concerned; the idle timeout closes its connection.
   */
  private void timedOut(RoutingContext ctx) {
    limits.timedOut();
    respond(ctx, MetricsApi.Response.error(Status.timeout(), MediaType.JSON));
  }

  /** Whether the request was answered already: by a timeout, while a review for it was on its way. */
  private static boolean answered(RoutingContext ctx) {
    return ctx.response().headWritten() || ctx.response().closed();
  }

  /** Kubernetes request verbs: reads are get/list/watch, other methods their own verbs. */
  private static String verb(HttpMethod method, ApiRequest request) {
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      return request == null ? "get" : request.verb();
    }
    return switch (method.name()) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> method.name().toLowerCase(Locale.ROOT);
    };
  }

  /** Who is asking: 401 for bad credentials, anonymous for none. */
  private void authenticate(RoutingContext ctx) {
    AuthRequest request = new AuthRequest(peerChain(ctx), headers(ctx));
    Future.fromCompletionStage(access.authenticate(request), vertx.getOrCreateContext()).onComplete(result -> {
      if (answered(ctx)) {
        return;
      }
      Authentication authn = result.succeeded() ? result.result()
          : new Authentication(null, String.valueOf(result.cause()));
      if (!authn.authenticated()) {
        LOG.debug("unauthenticated request to {}: {}", ctx.request().path(), authn.error());
        respond(ctx, MetricsApi.Response.error(Status.unauthorized(), errorMediaType(ctx)));
        return;
      }
      Exchange.of(ctx).by(authn.user()).handOn(ctx);
    });
  }

  /** May they: a SubjectAccessReview, unless the path is always allowed; 403 names what was refused. */
  private void authorize(RoutingContext ctx) {
    Exchange exchange = Exchange.of(ctx);
    AccessAttributes attributes = exchange.attributes();
    if (access.alwaysAllowed(exchange.path())) {
      ctx.next();
      return;
    }
    Future.fromCompletionStage(access.authorize(attributes), vertx.getOrCreateContext()).onComplete(result -> {
      if (answered(ctx)) {
        return;
      }
      if (result.succeeded() && result.result().allowed()) {
        ctx.next();
        return;
      }
      String reason = result.succeeded() ? result.result().reason() : String.valueOf(result.cause());
      String why = attributes.forbiddenMessage(reason);
      Status status = attributes.resourceRequest()
          ? Status.forbidden(attributes.group(), attributes.resource(), attributes.name() == null ? "" : attributes.name(), why)
          : Status.forbidden("", "", "", why);
      respond(ctx, MetricsApi.Response.error(status, errorMediaType(ctx)));
    });
  }

  /** The answer, or the API server's answer for a path or method Pulse does not serve. */
  private void serve(RoutingContext ctx) {
    Exchange exchange = Exchange.of(ctx);
    String path = exchange.path();
    ApiRequest request = exchange.request();
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean get = ctx.request().method() == HttpMethod.GET;
    if (path.equals(Index.METRICS)) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      end(ctx, Buffer.buffer(registry.scrape()));
    } else if (path.equals(NODE_HEALTH_PATH) && get) {
      reply(ctx, nodeHealth());
    } else if (OpenApi.serves(path)) {
      reply(ctx, openApi.answer(new OpenApi.Request(ctx.request().method().name(), path,
          ctx.queryParams().get("hash"), accept, ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING),
          ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH),
          ctx.request().getHeader(HttpHeaders.IF_MODIFIED_SINCE)), Instant.now()));
    } else if (Index.isVersion(path) && get) {
      reply(ctx, rawJson(200, version));
    } else if (Index.isVersion(path)) {
      // go-restful routes /version for GET only.
      respond(ctx, MetricsApi.Response.error(Status.methodNotAllowed(), errorMediaType(ctx)));
    } else if (request == null && Index.underRestRoot(path)) {
      respond(ctx, MetricsApi.Response.error(Status.pathNotFound(), MediaType.JSON));
    } else if (request == null) {
      reply(ctx, rawJson(Index.isIndex(path) ? 200 : 404, index.listing()));
    } else if (!get) {
      respond(ctx, MetricsApi.Response.error(Status.methodNotAllowed(), errorMediaType(ctx)));
    } else if (request.isDiscovery() && request.path().equals("/apis") && Discovery.aggregatedRequested(accept)) {
      reply(ctx, Discovery.aggregated(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH)));
    } else {
      Output output = SharedLists.shareable(request) ? Output.negotiate(accept) : null;
      if (output == null) {
        respond(ctx, api.serve(request, accept));
        return;
      }
      // Encoded off the event loop: a list of every pod takes tens of milliseconds to build.
      long second = System.currentTimeMillis() / 1000;
      sharedLists.get(request, output, second,
              () -> vertx.executeBlocking(() -> encode(ctx.request().path(), api.serve(request, accept)), false))
          .onComplete(encoded -> send(ctx, encoded.succeeded() ? encoded.result()
              : encode(ctx.request().path(), internalError(encoded.cause()))));
      vertx.setTimer(SHARED_LIST_LIFETIME_MILLIS, id -> sharedLists.forgetBefore(second + 1));
    }
  }

  private static List<X509Certificate> peerChain(RoutingContext ctx) {
    try {
      return ctx.request().connection().peerCertificates().stream()
          .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  private static Map<String, List<String>> headers(RoutingContext ctx) {
    Map<String, List<String>> headers = new HashMap<>();
    ctx.request().headers().forEach(h ->
        headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue()));
    return headers;
  }

  private void respond(RoutingContext ctx, MetricsApi.Response response) {
    send(ctx, encode(ctx.request().path(), response));
  }

  private static MetricsApi.Response internalError(Throwable cause) {
    LOG.error("cannot serve a list", cause);
    return MetricsApi.Response.error(Status.internalError("the list could not be built"), MediaType.JSON);
  }

  /**
   * Authentication, authorization and method errors are negotiated as the API server's filters
   * negotiate them; a path it does not serve, load shedding and timeouts are always JSON there.
   */
  private static MediaType errorMediaType(RoutingContext ctx) {
    return Output.forError(ctx.request().getHeader(HttpHeaders.ACCEPT));
  }

  private static SharedLists.EncodedResponse encode(String path, MetricsApi.Response response) {
    MediaType mediaType = response.mediaType();
    try {
      byte[] body = switch (mediaType) {
        case JSON -> JSON.writeValueAsBytes(response.body());
        case YAML -> YamlEncoding.encode(JSON.valueToTree(response.body()));
        case PROTOBUF -> ProtobufEncoding.encode(response.body());
      };
      return new SharedLists.EncodedResponse(response.status(), mediaType.contentType(), body);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      LOG.error("cannot encode response to {} as {}", path, mediaType, e);
      // A literal, not an encoded Status: the encoder is what just failed.
      return new SharedLists.EncodedResponse(500, MediaType.JSON.contentType(), ("{\"kind\":\"Status\","
          + "\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"Internal error occurred: response encoding failed\","
          + "\"reason\":\"InternalError\",\"code\":500}").getBytes(StandardCharsets.UTF_8));
    }
  }

  private void send(RoutingContext ctx, SharedLists.EncodedResponse response) {
    if (answered(ctx)) {
      return;
    }
    int code = response.status();
    timeOnEnd(ctx, code);
    // Metrics change with every scrape: the API server's filter marks every answer uncacheable,
    // and a shared cache between a client and kube-apiserver must not serve one user's answer to another.
    ctx.response().setStatusCode(code)
        .putHeader(HttpHeaders.CONTENT_TYPE, response.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, Reply.NO_CACHE)
        .putHeader("X-Content-Type-Options", "nosniff");
    end(ctx, Buffer.buffer(response.body()));
  }

  private void timeOnEnd(RoutingContext ctx, int code) {
    Exchange exchange = Exchange.of(ctx);
    long started = exchange.started();
    AccessAttributes attributes = exchange.attributes();
    String resource = RequestLabels.resource(exchange.request());
    ctx.addEndHandler(v -> Timer.builder("pulse.api.request.duration")
        .description("API requests by resource, verb and HTTP status")
        .tags("resource", resource, "verb", RequestLabels.verb(attributes.verb()), "code", Integer.toString(code))
        .publishPercentileHistogram()
        .register(registry)
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  private Reply nodeHealth() {
    try {
      return new Reply(200, List.of(new Reply.Header(HttpHeaders.CACHE_CONTROL.toString(), Reply.NO_CACHE),
          new Reply.Header(HttpHeaders.CONTENT_TYPE.toString(), "application/json")),
          JSON.writeValueAsBytes(nodeHealth.get()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a NodeHealth is plain strings and numbers", e);
    }
  }

  /** The API server's raw JSON answers ({@code /version}, the path index): no nosniff, unlike API objects. */
  private static Reply rawJson(int status, byte[] body) {
    return new Reply(status, List.of(new Reply.Header(HttpHeaders.CACHE_CONTROL.toString(), Reply.NO_CACHE),
        new Reply.Header(HttpHeaders.CONTENT_TYPE.toString(), "application/json")), body);
  }

  /** A document whose headers were decided with it (OpenAPI, aggregated discovery, raw JSON). */
  private void reply(RoutingContext ctx, Reply reply) {
    if (answered(ctx)) {
      return;
    }
    timeOnEnd(ctx, reply.status());
    HttpServerResponse response = ctx.response().setStatusCode(reply.status());
    reply.headers().forEach(h -> response.headers().add(h.name(), h.value()));
    end(ctx, Buffer.buffer(reply.body()));
  }

  /**
   * Ends the response with its body, or, for HEAD, with the headers a GET would get and no body.
   * Vert.x drops the body of a HEAD answer over HTTP/1.1 but sends it over HTTP/2, where DATA on a
   * HEAD stream is malformed (RFC 9113 8.1.1) and clients reset the stream with PROTOCOL_ERROR.
   */
  private static void end(RoutingContext ctx, Buffer body) {
    if (ctx.request().method() != HttpMethod.HEAD) {
      ctx.response().end(body);
      return;
    }
    if (ctx.response().getStatusCode() != 304) {
      ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    }
    ctx.response().end();
  }

  /**
   * What {@code describe} learned about a request, for the stages after it: the decoded path, when
   * it arrived, what it asks of the API ({@code null} for paths outside it) and the attributes it
   * is authorized by, which authentication completes with the user.
   */
  private record Exchange(String path, long started, ApiRequest request, AccessAttributes attributes) {

    private static final String KEY = "pulse.exchange";

    static Exchange of(RoutingContext ctx) {
      return ctx.get(KEY);
    }

    Exchange by(UserInfo user) {
      return new Exchange(path, started, request, attributes.withUser(user));
    }

    void handOn(RoutingContext ctx) {
      ctx.put(KEY, this);
      ctx.next();
    }
  }
}
