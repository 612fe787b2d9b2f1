package dev.pulse.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.dependent.ServiceDependentResource;
import dev.pulse.operator.model.LocalAggregator;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.status.NodeReport;
import dev.pulse.operator.tls.PinnedServerTrust;
import dev.pulse.operator.tls.TlsMaterial;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the aggregator's node summary for the status, every {@link #PERIOD}, as a JOSDK polling
 * event source: a reading unlike the last one reconciles the pipeline, an equal one does nothing,
 * so the status is written only when the nodes' situation changes and at most once a period. The
 * operator authenticates as itself (its token, or its kubeconfig's client certificate) and
 * verifies the aggregator against the CA it issued, whether it dials the Service or, in
 * development mode, the local aggregator.
 */
final class AggregatorNodes {

  static final Duration PERIOD = Duration.ofSeconds(15);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int QUOTED_BODY_CHARS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(AggregatorNodes.class);

  /** Where a pipeline's aggregator answers and what vouches for it. */
  private record Target(URI uri, List<X509Certificate> cas, String dnsName) {}

  /** A client for one target: the CAs change with a rotation, and with them the client. */
  private record Connection(Target target, HttpClient http) {}

  private final Optional<LocalAggregator> local;
  /** Pipelines whose aggregator has a ready pod, by name; set by the reconciler. */
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private volatile Config config;

  AggregatorNodes(Optional<LocalAggregator> local) {
    this.local = local;
  }

  PerResourcePollingEventSource<NodeReport, MetricsPipeline, String> eventSource(
      EventSourceContext<MetricsPipeline> context) {
    config = context.getClient().getConfiguration();
    return new PerResourcePollingEventSource<>(NodeReport.class, context,
        new PerResourcePollingConfigurationBuilder<NodeReport, MetricsPipeline, String>(this::read, PERIOD)
            .withName("aggregator-nodes")
            .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
            .build());
  }

  /** Reads {@code pipeline}'s aggregator from now on: it has a ready pod serving {@code tls}. */
  void watch(MetricsPipeline pipeline, TlsMaterial tls) {
    String namespace = pipeline.getSpec().getNamespace();
    String dnsName = Names.servingDnsNames(namespace).get(0);
    URI uri = URI.create("https://" + local.map(l -> l.host() + ":" + l.port())
        .orElse(dnsName + ":" + ServiceDependentResource.PORT) + Names.NODE_SUMMARY_PATH);
    targets.put(pipeline.getMetadata().getName(), new Target(uri, tls.caBundle(), dnsName));
  }

  /** Stops reading {@code pipeline}'s aggregator: it has no ready pod, or the pipeline is inactive. */
  void forget(MetricsPipeline pipeline) {
    targets.remove(pipeline.getMetadata().getName());
    connections.remove(pipeline.getMetadata().getName());
  }

  private Set<NodeReport> read(MetricsPipeline pipeline) {
    Target target = targets.get(pipeline.getMetadata().getName());
    if (target == null) {
      return Set.of();
    }
    try {
      HttpClient http = connection(pipeline.getMetadata().getName(), target);
      HttpRequest.Builder request = HttpRequest.newBuilder(target.uri()).timeout(TIMEOUT)
          .header("Accept", "application/json");
      token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Set.of(new NodeReport.Unreadable("GET " + target.uri() + " answered " + response.statusCode()
            + statusMessage(response.body())));
      }
      return Set.of(JSON.readValue(response.body(), NodeReport.Scrapes.class));
    } catch (IOException | GeneralSecurityException e) {
      LOG.debug("MetricsPipeline {}: cannot read {}", pipeline.getMetadata().getName(), target.uri(), e);
      return Set.of(new NodeReport.Unreadable("GET " + target.uri() + " failed: " + rootMessage(e)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Set.of();
    }
  }

  private HttpClient connection(String pipeline, Target target) throws GeneralSecurityException, IOException {
    Connection current = connections.get(pipeline);
    if (current != null && current.target().equals(target)) {
      return current.http();
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers(), new TrustManager[] {PinnedServerTrust.of(target.cas(), target.dnsName())},
        new SecureRandom());
    HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1).build();
    connections.put(pipeline, new Connection(target, http));
    return http;
  }

  /** The kubeconfig's client certificate, if it has one: the aggregator accepts those the cluster CA signed. */
  private KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
    return SSLUtils.keyManagers(config);
  }

  /**
   * A pod's token is read at every request, since the kubelet rotates it; otherwise the
   * kubeconfig's. Never logged.
   */
  private Optional<String> token() throws IOException {
    Path projected = Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);
    if (Files.isReadable(projected)) {
      return Optional.of(Files.readString(projected).strip());
    }
    return Optional.ofNullable(config.getOauthToken()).or(() -> Optional.ofNullable(config.getAutoOAuthToken()))
        .filter(token -> !token.isEmpty());
  }

  /** The message of a Kubernetes Status body (a 403 names the user and the path), else the body's start. */
  private static String statusMessage(String body) {
    try {
      JsonNode status = JSON.readTree(body);
      if (status.hasNonNull("message")) {
        return ": " + status.get("message").asText();
      }
    } catch (IOException e) {
      // not JSON: quoted as it came
    }
    String text = body.strip();
    return text.isEmpty() ? "" : ": " + text.substring(0, Math.min(text.length(), QUOTED_BODY_CHARS));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
