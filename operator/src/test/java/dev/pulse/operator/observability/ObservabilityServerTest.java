package dev.pulse.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pulse.operator.OperatorMain;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.observability.ObservabilityServer.Health;
import dev.pulse.operator.model.AggregatorNamespaces;
import dev.pulse.operator.reconciler.MetricsPipelineReconciler;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the kubelet's probes and Prometheus read from the operator, without a cluster. */
@EnableKubernetesMockClient(crud = true)
class ObservabilityServerTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  KubernetesClient client;

  @Test
  void healthFollowsTheOperatorsStateAndLivenessOnlyTheProcess() throws Exception {
    AtomicReference<Health> health = new AtomicReference<>(new Health(false, Map.of()));
    try (ObservabilityServer server = new ObservabilityServer("127.0.0.1:0")) {
      server.start(health::get);

      assertThat(get(server, "/healthz")).satisfies(r -> {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).startsWith("starting");
      });
      assertThat(get(server, "/livez").statusCode()).isEqualTo(200);

      health.set(new Health(true, Map.of("metricspipeline", List.of("DeploymentDependentResource"))));
      assertThat(get(server, "/healthz")).satisfies(r -> {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo(
            "controller metricspipeline: event sources not connected: DeploymentDependentResource\n");
      });
      assertThat(get(server, "/livez").statusCode()).isEqualTo(200);

      health.set(new Health(true, Map.of()));
      assertThat(get(server, "/healthz")).satisfies(r -> {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
      });
    }
  }

  @Test
  void onlyTheExactPathsAndReadsAreServed() throws Exception {
    try (ObservabilityServer server = new ObservabilityServer("127.0.0.1:0")) {
      server.start(() -> new Health(true, Map.of()));
      assertThat(get(server, "/").statusCode()).isEqualTo(404);
      assertThat(get(server, "/healthz/extra").statusCode()).isEqualTo(404);
      assertThat(get(server, "/healthzz").statusCode()).isEqualTo(404);
      HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri(server, "/healthz"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  /** The real JOSDK operator against the mock API server: its own health and its reconcile meters. */
  @Test
  void aRunningOperatorIsHealthyAndExportsItsReconcileMetrics() throws Exception {
    try (InputStream crd = Files.newInputStream(Path.of("../crds/metricspipelines.pulse.dev-v1.yml"))) {
      client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
    }
    try (ObservabilityServer server = new ObservabilityServer("127.0.0.1:0")) {
      Operator operator = new Operator(overrider -> OperatorMain.configure(overrider).withKubernetesClient(client)
          .withCloseClientOnStop(false).withMetrics(server.metrics()));
      operator.register(new MetricsPipelineReconciler("ghcr.io/pulse/pulse-aggregator:0.1.0", Optional.empty(),
          AggregatorNamespaces.ALL, Clock.systemUTC()));
      server.start(operator);
      assertThat(get(server, "/healthz").statusCode()).as("before start").isEqualTo(503);
      operator.start();
      try {
        // Synced informers may still be opening their watches.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(server, "/healthz").statusCode())
            .isEqualTo(200));
        MetricsPipeline pipeline = new MetricsPipeline();
        pipeline.setMetadata(new ObjectMetaBuilder().withName("cluster").build());
        client.resource(pipeline).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          HttpResponse<String> metrics = get(server, "/metrics");
          assertThat(metrics.statusCode()).isEqualTo(200);
          assertThat(metrics.headers().firstValue("Content-Type")).hasValue(ObservabilityServer.PROMETHEUS_TEXT);
          assertThat(metrics.body())
              .contains("operator_sdk_reconciliations_started_total")
              .contains("jvm_memory_used_bytes");
        });
      } finally {
        operator.stop();
      }
    }
  }

  @Test
  void aTakenPortSaysWhichVariableMovesIt() {
    try (ObservabilityServer first = new ObservabilityServer("127.0.0.1:0")) {
      String taken = "127.0.0.1:" + first.address().getPort();
      assertThatThrownBy(() -> new ObservabilityServer(taken))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("Cannot listen on " + taken)
          .hasMessageContaining(ObservabilityServer.ADDRESS_ENV);
    }
  }

  @Test
  void addressesNameAHostOrEveryInterface() {
    assertThat(ObservabilityServer.parseAddress("127.0.0.1:8080")).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(ObservabilityServer.parseAddress("[::1]:9090")).isEqualTo(new InetSocketAddress("::1", 9090));
    assertThat(ObservabilityServer.parseAddress(":8080").getAddress().isAnyLocalAddress()).isTrue();
    assertThatThrownBy(() -> ObservabilityServer.parseAddress("8080")).hasMessageContaining("host:port");
    assertThatThrownBy(() -> ObservabilityServer.parseAddress("localhost:http")).hasMessageContaining("numeric port");
    assertThatThrownBy(() -> ObservabilityServer.parseAddress(":70000")).hasMessageContaining("out of range");
  }

  private static HttpResponse<String> get(ObservabilityServer server, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(ObservabilityServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }
}
