package dev.pulse.metrics.server;

import dev.pulse.metrics.config.AggregatorOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients can hold of the server: connections, the time a connection may take to say what
 * it wants or may sit between requests, and requests in flight. Go's HTTP server, under
 * metrics-server, times out slow headers and idle connections; Vert.x has only a byte-level idle
 * timeout, which a client sending one header byte a second never meets, so the timers here count
 * requests, not bytes.
 *
 * <p>A connection's timer runs on its own event loop, as do its requests' callbacks, so its state
 * needs no lock; only the counts shared by all connections are atomic.
 */
final class ClientLimits {

  private static final Logger LOG = LoggerFactory.getLogger(ClientLimits.class);

  /** The limits, from their flags. */
  record Settings(Duration idleTimeout, Duration headerReadTimeout, Duration requestTimeout, int maxConnections,
      int maxRequestsInflight) {

    static Settings of(AggregatorOptions options) {
      return new Settings(options.idleConnectionTimeout, options.headerReadTimeout, options.requestTimeout,
          options.maxConnections, options.maxRequestsInflight);
    }
  }

  /** Why the server closed a connection. */
  enum Closed {
    /** No complete request headers within --header-read-timeout of the connection's handshake. */
    HEADER_READ_TIMEOUT,
    /** No new request within --idle-connection-timeout of the last answer. */
    IDLE_TIMEOUT,
    /** --max-connections were open already. */
    MAX_CONNECTIONS;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why a request was answered without being served. */
  enum Rejected {
    /** 429: --max-requests-inflight were being served. */
    MAX_REQUESTS_INFLIGHT,
    /** 504: not answered within --request-timeout. */
    REQUEST_TIMEOUT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final Map<HttpConnection, Tracked> open = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<Closed, Counter> closed = new EnumMap<>(Closed.class);
  private final Map<Rejected, Counter> rejected = new EnumMap<>(Rejected.class);

  ClientLimits(Vertx vertx, Settings settings, MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    Gauge.builder("pulse.server.connections", connections, AtomicInteger::get)
        .description("Client connections open").register(registry);
    Gauge.builder("pulse.server.connections.limit", settings, Settings::maxConnections)
        .description("Client connections allowed at once (--max-connections)").register(registry);
    Gauge.builder("pulse.server.requests.in.flight", inFlight, AtomicInteger::get)
        .description("API requests being served").register(registry);
    Gauge.builder("pulse.server.requests.in.flight.limit", settings, Settings::maxRequestsInflight)
        .description("API requests allowed at once (--max-requests-inflight)").register(registry);
    for (Closed reason : Closed.values()) {
      closed.put(reason, Counter.builder("pulse.server.connections.closed").tag("reason", reason.label())
          .description("Client connections the server closed, by the limit that closed them").register(registry));
    }
    for (Rejected reason : Rejected.values()) {
      rejected.put(reason, Counter.builder("pulse.server.requests.rejected").tag("reason", reason.label())
          .description("API requests answered 429 or 504 instead of being served").register(registry));
    }
  }

  /** The TLS handshake is bounded like the headers that follow it: both are the client's to finish. */
  HttpServerOptions apply(HttpServerOptions options) {
    return options.setSslHandshakeTimeout(settings.headerReadTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** A new connection, TLS done: closed at once beyond the cap, else given until its first request's headers. */
  void connected(HttpConnection connection) {
    // Vert.x logs an ERROR for every client that resets its connection; a client's doing, not the server's.
    connection.exceptionHandler(e -> LOG.debug("connection from {}: {}", connection.remoteAddress(), e.toString()));
    if (connections.incrementAndGet() > settings.maxConnections()) {
      connections.decrementAndGet();
      close(connection, Closed.MAX_CONNECTIONS);
      return;
    }
    Tracked tracked = new Tracked(connection);
    open.put(connection, tracked);
    connection.closeHandler(v -> {
      open.remove(connection);
      tracked.disarm();
      connections.decrementAndGet();
    });
    tracked.arm(settings.headerReadTimeout(), Closed.HEADER_READ_TIMEOUT);
  }

  /** A request's headers are complete: the connection is no longer waiting for them. */
  void requestStarted(HttpConnection connection) {
    Tracked tracked = open.get(connection);
    if (tracked != null) {
      tracked.active++;
      tracked.disarm();
    }
  }

  /** A request was answered (or abandoned): with none left, the connection has until the idle timeout. */
  void requestEnded(HttpConnection connection) {
    Tracked tracked = open.get(connection);
    if (tracked != null && --tracked.active == 0) {
      tracked.arm(settings.idleTimeout(), Closed.IDLE_TIMEOUT);
    }
  }

  /** Takes a place among the requests in flight; false when all are taken. */
  boolean admit() {
    if (inFlight.incrementAndGet() > settings.maxRequestsInflight()) {
      inFlight.decrementAndGet();
      rejected.get(Rejected.MAX_REQUESTS_INFLIGHT).increment();
      return false;
    }
    return true;
  }

  /** Gives back the place {@link #admit()} took. */
  void release() {
    inFlight.decrementAndGet();
  }

  long requestTimeoutMillis() {
    return settings.requestTimeout().toMillis();
  }

  /** A request ran out of time and is answered 504. */
  void timedOut() {
    rejected.get(Rejected.REQUEST_TIMEOUT).increment();
  }

  private void close(HttpConnection connection, Closed reason) {
    closed.get(reason).increment();
    LOG.debug("closing connection from {}: {}", connection.remoteAddress(), reason.label());
    connection.close();
  }

  /** One connection's requests in progress and its pending timer. */
  private final class Tracked {
    private final HttpConnection connection;
    private int active;
    private long timer = -1;

    Tracked(HttpConnection connection) {
      this.connection = connection;
    }

    void arm(Duration after, Closed reason) {
      disarm();
      timer = vertx.setTimer(after.toMillis(), id -> {
        timer = -1;
        close(connection, reason);
      });
    }

    void disarm() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }
}
