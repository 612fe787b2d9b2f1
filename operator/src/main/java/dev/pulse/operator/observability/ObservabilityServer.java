package dev.pulse.operator.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The operator's plain-HTTP endpoints for the kubelet and Prometheus: {@code /livez} (the process
 * answers), {@code /healthz} (the operator started and every informer is connected), and
 * {@code /metrics} (JOSDK's reconcile metrics and the JVM's, Prometheus text format). The JDK's
 * own HTTP server suffices for three tiny GETs and adds nothing to the jar.
 *
 * <p>The socket is bound when this is created, before the operator talks to the API server, so a
 * taken port ends the process at once with a message instead of leaving it half-started.
 */
public final class ObservabilityServer implements AutoCloseable {

  /** {@code host:port}; an empty host listens on every interface, as the operator's pod needs. */
  public static final String ADDRESS_ENV = "PULSE_OPERATOR_HTTP_ADDRESS";
  /** Loopback: a local run must not expose the operator's state to the network. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:8080";

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  // Per-resource meters would carry each pipeline's name as a tag; one aggregate series per
  // controller is what alerts need.
  private final MicrometerMetrics metrics = MicrometerMetrics.withoutPerResourceMetrics(registry);

  public ObservabilityServer(String address) {
    InetSocketAddress socketAddress = parseAddress(address);
    try {
      server = HttpServer.create(socketAddress, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on " + address + " for /healthz and /metrics (" + e.getMessage()
          + "); set " + ADDRESS_ENV + " to a free host:port", e);
    }
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
  }

  public static ObservabilityServer fromEnvironment() {
    return new ObservabilityServer(Objects.requireNonNullElse(System.getenv(ADDRESS_ENV), DEFAULT_ADDRESS));
  }

  /** For {@code ConfigurationServiceOverrider.withMetrics}: what {@code /metrics} exports. */
  public Metrics metrics() {
    return metrics;
  }

  /** Serves the endpoints; {@code /healthz} follows {@code operator}'s runtime state. */
  public void start(Operator operator) {
    start(() -> Health.of(operator.getRuntimeInfo()));
  }

  void start(Supplier<Health> health) {
    server.createContext("/livez", exchange -> respond(exchange, 200, PLAIN_TEXT, "ok\n"));
    server.createContext("/healthz", exchange -> {
      Health now = health.get();
      respond(exchange, now.healthy() ? 200 : 503, PLAIN_TEXT, now.describe());
    });
    server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
    server.start();
  }

  /** Where it listens; the port is the real one when the address asked for port 0. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    registry.close();
  }

  /** {@code host:port}, {@code [v6]:port} or {@code :port} (every interface). */
  public static InetSocketAddress parseAddress(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(ADDRESS_ENV + " must be host:port or :port, not '" + address + "'");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(ADDRESS_ENV + " has no numeric port: '" + address + "'", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(ADDRESS_ENV + " has a port out of range: '" + address + "'");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      // A context matches every path below it; only the exact path is an endpoint.
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /**
   * What {@code /healthz} reports.
   *
   * @param unhealthy per controller, the names of its event sources that are not connected
   */
  record Health(boolean started, Map<String, List<String>> unhealthy) {

    static Health of(RuntimeInfo runtime) {
      if (!runtime.isStarted()) {
        return new Health(false, Map.of());
      }
      Map<String, List<String>> unhealthy = new TreeMap<>();
      runtime.unhealthyEventSources().forEach((controller, sources) -> {
        if (!sources.isEmpty()) {
          unhealthy.put(controller, sources.keySet().stream().sorted().toList());
        }
      });
      return new Health(true, unhealthy);
    }

    boolean healthy() {
      return started && unhealthy.isEmpty();
    }

    String describe() {
      if (!started) {
        return "starting: the operator has not started its controllers yet\n";
      }
      if (unhealthy.isEmpty()) {
        return "ok\n";
      }
      return unhealthy.entrySet().stream()
          .map(e -> "controller " + e.getKey() + ": event sources not connected: " + String.join(", ", e.getValue()))
          .collect(Collectors.joining("\n", "", "\n"));
    }
  }
}
