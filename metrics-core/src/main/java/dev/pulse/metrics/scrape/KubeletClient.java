package dev.pulse.metrics.scrape;

import dev.pulse.metrics.Version;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS client for kubelets' resource metrics. Connections are kept alive across scrapes so a
 * steady state costs no TLS handshakes; every request has a hard deadline and a size cap.
 */
public final class KubeletClient implements AutoCloseable {

  /**
   * How Pulse proves who it is to kubelets and checks who they are.
   *
   * @param caPem CA bundle that signs kubelet serving certificates; null only with insecure
   * @param insecure skip verification of kubelet serving certificates (explicit opt-out)
   * @param clientCertPem client certificate for mTLS, or null
   * @param clientKeyPem its key, or null
   * @param bearerToken current bearer token (service account tokens rotate), or null for none
   */
  public record Credentials(String caPem, boolean insecure, String clientCertPem, String clientKeyPem,
      Supplier<String> bearerToken) {}

  /**
   * A complete response body, and when its answer began to arrive: the timestamp of samples that
   * carry none. Closer to when the kubelet computed them than the request's start (metrics-server's
   * choice), which a slow connection or handshake would move back and so shorten the first window.
   */
  public record Body(byte[] bytes, int length, long respondedAtMillis) {}

  /** Names Pulse in kubelet and audit logs. */
  private static final String USER_AGENT = "pulse/" + Version.current();
  private static final Logger LOG = LoggerFactory.getLogger(KubeletClient.class);

  private final Vertx vertx;
  private final HttpClient http;
  private final Supplier<String> bearerToken;
  private final long timeoutMillis;
  private final int maxResponseBytes;

  public KubeletClient(Vertx vertx, Credentials credentials, Duration timeout, Duration resolution,
      int maxResponseBytes, int maxConcurrency) {
    this.vertx = vertx;
    this.bearerToken = credentials.bearerToken();
    this.timeoutMillis = timeout.toMillis();
    this.maxResponseBytes = maxResponseBytes;
    HttpClientOptions options = new HttpClientOptions()
        .setSsl(true)
        .setConnectTimeout((int) timeoutMillis)
        .setKeepAlive(true)
        // Outlive the gap between two scrapes, or every scrape would pay a new handshake.
        .setKeepAliveTimeout((int) Math.max(60, resolution.toSeconds() * 3))
        .setTryUseCompression(false)
        .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
    if (credentials.insecure()) {
      options.setTrustAll(true).setVerifyHost(false);
    } else {
      try {
        options.setVerifyHost(true).setTrustOptions(TrustOptions.wrap(KubeletTrust.of(credentials.caPem())));
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException("cannot read the kubelet CA bundle: " + e.getMessage(), e);
      }
    }
    if (credentials.clientCertPem() != null) {
      options.setKeyCertOptions(new PemKeyCertOptions()
          .setCertValue(Buffer.buffer(credentials.clientCertPem()))
          .setKeyValue(Buffer.buffer(credentials.clientKeyPem())));
    }
    // Per endpoint: one connection per real kubelet, but simulators serve many nodes on one port.
    this.http = vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(maxConcurrency))
        // Vert.x logs an ERROR, naming no node, for each connection a kubelet resets; the request on it
        // fails too, and the scraper reports that once per node and cause.
        .withConnectHandler(connection -> connection.exceptionHandler(e ->
            LOG.debug("connection to kubelet {}: {}", connection.remoteAddress(), e.toString())))
        .build();
  }

  /** Fetches the endpoint's metrics; fails with a {@link ScrapeFailure} naming the cause. */
  public Future<Body> fetch(KubeletEndpoint endpoint) {
    Promise<Body> result = Promise.promise();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(endpoint.host())
        .setPort(endpoint.port())
        .setURI(endpoint.path())
        .putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    String token = bearerToken == null ? null : bearerToken.get();
    if (token != null && !token.isEmpty()) {
      request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    long deadline = vertx.setTimer(timeoutMillis, id -> result.tryFail(new ScrapeFailure(ScrapeFailure.Cause.TIMEOUT,
        "no complete response from " + endpoint + " within " + timeoutMillis + "ms (--kubelet-request-timeout)")));
    result.future().onComplete(done -> vertx.cancelTimer(deadline));

    http.request(request)
        .compose(req -> {
          // Abandon the exchange, connection included, once the deadline has answered for it.
          result.future().onFailure(e -> req.reset());
          return req.send();
        })
        .onSuccess(response -> {
          long respondedAt = System.currentTimeMillis();
          BodyBytes body = new BodyBytes();
          response.handler(chunk -> {
            if (body.length + chunk.length() > maxResponseBytes) {
              result.tryFail(new ScrapeFailure(ScrapeFailure.Cause.RESPONSE_TOO_LARGE, endpoint
                  + " sent more than " + maxResponseBytes + " bytes (--kubelet-max-response-bytes)"));
            } else if (!result.future().isComplete()) {
              body.append(chunk);
            }
          });
          response.exceptionHandler(e -> result.tryFail(classify(endpoint, e)));
          response.endHandler(v -> {
            if (response.statusCode() == 200) {
              result.tryComplete(new Body(body.bytes, body.length, respondedAt));
            } else {
              // The kubelet's error text names the identity and verb it refused: worth a log line.
              String text = new String(body.bytes, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
              result.tryFail(new ScrapeFailure(statusCause(response.statusCode()), endpoint + " answered \""
                  + response.statusCode() + " " + response.statusMessage() + "\"" + hint(response.statusCode())
                  + (text.isEmpty() ? "" : "; it said: " + text)));
            }
          });
        })
        .onFailure(e -> result.tryFail(classify(endpoint, e)));
    return result.future();
  }

  /** A body as it arrives, appended straight into the array the decoder reads (no final copy). */
  private static final class BodyBytes {
    private byte[] bytes = new byte[16 * 1024];
    private int length;

    void append(Buffer chunk) {
      int n = chunk.length();
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
      }
      chunk.getBytes(0, n, bytes, length);
      length += n;
    }
  }

  private static String hint(int status) {
    return switch (status) {
      case 401 -> ": the kubelet rejected Pulse's credentials (is webhook authentication enabled on the kubelet?)";
      case 403 -> ": Pulse's identity may not get nodes/metrics (check its ClusterRole)";
      case 404 -> ": wrong path (check the node's " + KubeletEndpoint.PATH_ANNOTATION + " annotation)";
      default -> "";
    };
  }

  private static ScrapeFailure.Cause statusCause(int status) {
    return switch (status) {
      case 401 -> ScrapeFailure.Cause.UNAUTHORIZED;
      case 403 -> ScrapeFailure.Cause.FORBIDDEN;
      default -> ScrapeFailure.Cause.HTTP_STATUS;
    };
  }

  /**
   * The cause of a failed exchange, from the exception chain: TLS libraries wrap what the trust
   * manager threw, and name resolution and connection failures arrive wrapped by Netty.
   */
  static ScrapeFailure classify(KubeletEndpoint endpoint, Throwable e) {
    if (e instanceof ScrapeFailure f) {
      return f;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubeletTrust.Refused refused) {
        String address = refused.failureCause() == ScrapeFailure.Cause.NAME_MISMATCH
            ? " " + endpoint.host() + " (the node's " + endpoint.addressType() + " address)" : "";
        return new ScrapeFailure(refused.failureCause(), "TLS with " + endpoint + " failed: " + refused.getMessage()
            + address);
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return new ScrapeFailure(ScrapeFailure.Cause.NAME_NOT_RESOLVED, "cannot resolve " + endpoint.host()
            + ", the node's " + endpoint.addressType() + " address: " + t.getMessage());
      }
      if (t instanceof io.netty.channel.ConnectTimeoutException) {
        return new ScrapeFailure(ScrapeFailure.Cause.TIMEOUT, "cannot connect to " + endpoint + ": " + t.getMessage());
      }
      if (t instanceof ConnectException) {
        return new ScrapeFailure(ScrapeFailure.Cause.CONNECTION_REFUSED, "cannot connect to " + endpoint + ": "
            + t.getMessage());
      }
      if (t instanceof SSLException) {
        return new ScrapeFailure(ScrapeFailure.Cause.TLS, "TLS with " + endpoint + " failed: " + t.getMessage());
      }
    }
    return new ScrapeFailure(ScrapeFailure.Cause.CONNECTION, "request to " + endpoint + " failed: " + e);
  }

  @Override
  public void close() {
    http.close();
  }
}
