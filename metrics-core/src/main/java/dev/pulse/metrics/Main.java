package dev.pulse.metrics;

import dev.pulse.metrics.config.AggregatorOptions;
import dev.pulse.metrics.logging.LogConfigurator;
import dev.pulse.metrics.server.Aggregator;
import dev.pulse.metrics.server.StartupException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pulse-aggregator}: scrapes kubelets and serves metrics.k8s.io/v1beta1. */
@Command(name = "pulse-aggregator", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    sortOptions = false,
    description = "Scrapes every kubelet's /metrics/resource and serves metrics.k8s.io/v1beta1"
        + " (kubectl top, HPA, VPA) through the Kubernetes aggregation layer.")
public final class Main implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"pulse-aggregator " + Version.current()};
    }
  }

  @Mixin
  private final AggregatorOptions options = new AggregatorOptions();

  public static void main(String[] args) {
    String logProblem = LogConfigurator.formatProblem(System.getenv());
    if (logProblem != null) {
      System.err.println(logProblem);
      System.exit(2);
    }
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    List<String> errors = options.validate();
    if (!errors.isEmpty()) {
      errors.forEach(e -> System.err.println("invalid flags: " + e));
      return 2;
    }
    Config config;
    try {
      config = options.kubeconfig == null ? Config.autoConfigure(null)
          : Config.fromKubeconfig(Files.readString(options.kubeconfig));
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot load --kubeconfig " + options.kubeconfig + ": " + e.getMessage());
      return 1;
    }
    boolean inCluster = options.kubeconfig == null && System.getenv("KUBERNETES_SERVICE_HOST") != null;
    // One Vert.x for the API client and the aggregator: one set of event loops and buffers, not two.
    Vertx vertx = Aggregator.newVertx();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(new VertxHttpClientFactory(vertx)).build();
    Aggregator aggregator;
    try {
      aggregator = Aggregator.start(options, client, vertx, inCluster);
    } catch (StartupException e) {
      LOG.error("cannot start: {}", e.getMessage());
      client.close();
      vertx.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      aggregator.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }
}
