package dev.pulse.metrics.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.ApiRequest;
import dev.pulse.metrics.api.MetricsApi;
import dev.pulse.metrics.api.types.Status;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS front: health probes, own metrics, and the metrics.k8s.io API. An API request passes
 * a pipeline of route handlers — resolve what it asks for, then serve it — so that
 * authentication and authorization slot in between without touching either end.
 */
public final class AggregatorServer {

  private static final Logger LOG = LoggerFactory.getLogger(AggregatorServer.class);
  /** Routing-context key of the parsed {@link ApiRequest}. */
  static final String API_REQUEST = ApiRequest.class.getName();
  private static final String STARTED = "pulse.started";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The three Kubernetes-style health endpoints. */
  record Probes(Health livez, Health readyz, Health healthz) {}

  private final Vertx vertx;
  private final MetricsApi api;
  private final Probes probes;
  private final PrometheusMeterRegistry registry;
  private final AtomicReference<ServingCertificate> certificate = new AtomicReference<>();
  private HttpServer server;

  AggregatorServer(Vertx vertx, MetricsApi api, Probes probes, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.api = api;
    this.probes = probes;
    this.registry = registry;
  }

  /** Listens; the future carries the bound port (useful with port 0). */
  Future<Integer> start(String host, int port, ServingCertificate cert) {
    certificate.set(cert);
    Router router = Router.router(vertx);
    router.get("/livez").handler(ctx -> probe(ctx, probes.livez()));
    router.get("/readyz").handler(ctx -> probe(ctx, probes.readyz()));
    router.get("/healthz").handler(ctx -> probe(ctx, probes.healthz()));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    router.route().handler(this::resolve);
    router.route().handler(this::serve);
    server = vertx.createHttpServer(Tls.serverOptions(cert)).requestHandler(router);
    return server.listen(port, host).map(HttpServer::actualPort);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Re-reads the certificate files every {@code interval} and swaps the live certificate when
   * their content changed: the operator rotates them in place, without restarting pods.
   */
  void reloadCertificateFrom(Path certFile, Path keyFile, Duration interval) {
    vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(() -> ServingCertificate.read(certFile, keyFile), false)
        .onSuccess(next -> {
          if (!next.equals(certificate.get())) {
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

  private static void probe(RoutingContext ctx, Health health) {
    Health.Result result = health.evaluate(ctx.queryParams().contains("verbose"));
    ctx.response().setStatusCode(result.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(result.body());
  }

  /** First stage: what is asked for, or the API server's answer for a path or method Pulse does not serve. */
  private void resolve(RoutingContext ctx) {
    ctx.put(STARTED, System.nanoTime());
    Map<String, String> query = new HashMap<>();
    ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
    var request = ApiRequest.parse(ctx.request().path(), query);
    if (request.isEmpty()) {
      respond(ctx, "none", "none", new MetricsApi.Response(404, Status.pathNotFound()));
      return;
    }
    if (ctx.request().method() != HttpMethod.GET) {
      respond(ctx, resourceTag(request.get()), ctx.request().method().name().toLowerCase(),
          new MetricsApi.Response(405, Status.methodNotAllowed()));
      return;
    }
    ctx.put(API_REQUEST, request.get());
    ctx.next();
  }

  /** Last stage: the answer. */
  private void serve(RoutingContext ctx) {
    ApiRequest request = ctx.get(API_REQUEST);
    respond(ctx, resourceTag(request), request.verb(), api.serve(request, ctx.request().getHeader(HttpHeaders.ACCEPT)));
  }

  private static String resourceTag(ApiRequest request) {
    return request.isDiscovery() ? "discovery" : request.resource().path;
  }

  private void respond(RoutingContext ctx, String resource, String verb, MetricsApi.Response response) {
    long started = ctx.get(STARTED);
    Buffer body;
    int status = response.status();
    try {
      body = Buffer.buffer(JSON.writeValueAsBytes(response.body()));
    } catch (JsonProcessingException e) {
      LOG.error("cannot encode response to {}", ctx.request().path(), e);
      status = 500;
      body = Buffer.buffer("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"Internal error occurred: response encoding failed\",\"reason\":\"InternalError\",\"code\":500}");
    }
    int code = status;
    ctx.addEndHandler(v -> Timer.builder("pulse.api.request.duration")
        .description("API requests by resource, verb and HTTP status")
        .tags("resource", resource, "verb", verb, "code", Integer.toString(code))
        .publishPercentileHistogram()
        .register(registry)
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }

}
