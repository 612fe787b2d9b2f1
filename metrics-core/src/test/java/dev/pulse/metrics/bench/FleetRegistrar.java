package dev.pulse.metrics.bench;

import dev.pulse.metrics.testing.FakeKubelets;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Registers the kubelet farm's fleet in a real cluster for {@code e2e/bin/bench-compare.sh}: one
 * Node per farm node (InternalIP 127.0.0.1, the farm's port, kwok's metrics-path annotation,
 * Ready when created) and its pods, as {@link KubeletFarm} names them ({@code ns-<p % 10>/pod-<n>-<p>},
 * container {@code app}), bound to the node and set Running through the status subresource, since
 * both servers watch only {@code status.phase=Running} pods.
 *
 * <p>Nobody heartbeats for these nodes, so the node lifecycle controller marks them Unknown and
 * taints them {@code unreachable:NoExecute} after its grace period: the pods tolerate
 * {@code not-ready} and {@code unreachable} NoExecute forever (no tolerationSeconds), and carry no
 * {@code Ready} condition, so that the controller has no pod status to rewrite (it flips only
 * existing Ready conditions, at its client's QPS: 30,000 writes trickling through the measurement).
 *
 * <pre>
 * register NODES PODS_PER_NODE FARM_PORT [BUDGET_SECONDS]   stops early (and says how many pods
 *                                                           it registered) when the control plane
 *                                                           refuses more or the budget runs out
 * unregister [--namespaces]                                 force-deletes the farm's pods and nodes
 * </pre>
 * The kubeconfig is {@code $KUBECONFIG}. Prints a progress line every 5,000 pods.
 */
public final class FleetRegistrar {

  static final String NODE_LABEL = "pulse.dev/bench-node";
  static final String POD_LABEL = "pulse.dev/bench-pod";
  static final String NAMESPACE_LABEL = "pulse.dev/bench";
  static final int NAMESPACES = 10;
  private static final int CONCURRENCY = 48;
  private static final int PROGRESS_EVERY = 5000;
  /** Consecutive failed creates after which the control plane is taken as full. */
  private static final int GIVE_UP_AFTER_FAILURES = 200;

  private FleetRegistrar() {}

  public static void main(String[] args) throws Exception {
    String kubeconfig = Files.readString(Path.of(System.getenv("KUBECONFIG")));
    Config config = Config.fromKubeconfig(kubeconfig);
    config.setMaxConcurrentRequests(CONCURRENCY * 2);
    config.setMaxConcurrentRequestsPerHost(CONCURRENCY * 2);
    config.setRequestTimeout(300_000);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      switch (args[0]) {
        case "register" -> register(client, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
            Integer.parseInt(args[3]), args.length > 4 ? Long.parseLong(args[4]) : 3600);
        case "unregister" -> unregister(client, args.length > 1 && args[1].equals("--namespaces"));
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1); // pool threads must not keep a failed run's JVM alive
    }
    System.exit(0);
  }

  private static void log(String format, Object... args) {
    System.out.printf("[%s] %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS), String.format(format, args));
    System.out.flush();
  }

  static String namespace(int p) {
    return "ns-" + p % NAMESPACES;
  }

  static String podName(int n, int p) {
    return "pod-" + n + "-" + p;
  }

  private static void register(KubernetesClient client, int nodes, int podsPerNode, int port, long budgetSeconds)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(budgetSeconds);
    for (int i = 0; i < NAMESPACES; i++) {
      String ns = "ns-" + i;
      while (client.namespaces().withName(ns).get() != null
          && client.namespaces().withName(ns).get().getMetadata().getDeletionTimestamp() != null) {
        log("waiting for namespace %s of an earlier run to be deleted", ns);
        Thread.sleep(2000);
      }
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
          .addToLabels(NAMESPACE_LABEL, "true").endMetadata().build()).serverSideApply();
    }
    // The ServiceAccount admission plugin refuses pods until the namespace's "default" exists.
    for (int i = 0; i < NAMESPACES; i++) {
      while (client.serviceAccounts().inNamespace("ns-" + i).withName("default").get() == null) {
        Thread.sleep(200);
      }
    }

    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    Semaphore inFlight = new Semaphore(CONCURRENCY * 4);
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<String> lastError = new AtomicReference<>("");
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    log("registering %d Node objects (farm port %d)", nodes, port);
    List<Future<?>> nodeResults = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      Node node = nodeObject(ScrapeBenchmark.nodeName(n), port, now);
      nodeResults.add(pool.submit(() -> client.nodes().resource(node).create()));
    }
    for (Future<?> result : nodeResults) {
      result.get();
    }
    log("%d nodes registered in %.1f s", nodes, (System.nanoTime() - start) / 1e9);

    long podStart = System.nanoTime();
    int total = nodes * podsPerNode;
    log("registering %d pods (%d per node) and setting them Running", total, podsPerNode);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger consecutiveFailures = new AtomicInteger();
    int submitted = 0;
    String stopReason = null;
    outer:
    for (int p = 0; p < podsPerNode; p++) {
      // Pod by pod index across the fleet, so that a partial registration spreads over every node.
      for (int n = 0; n < nodes; n++) {
        if (consecutiveFailures.get() >= GIVE_UP_AFTER_FAILURES) {
          stopReason = GIVE_UP_AFTER_FAILURES + " creates in a row failed (" + lastError.get() + ")";
          break outer;
        }
        if (System.nanoTime() > deadline) {
          stopReason = "the registration budget of " + budgetSeconds + " s ran out";
          break outer;
        }
        inFlight.acquire();
        Pod pod = podObject(n, p);
        submitted++;
        pool.submit(() -> {
          try {
            Pod created = client.pods().resource(pod).create();
            created.setStatus(new PodBuilder().withNewStatus().withPhase("Running").withHostIP("127.0.0.1")
                .withPodIP("127.0.0.1").withStartTime(now)
                .addToConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
                    new PodConditionBuilder().withType("Initialized").withStatus("True").build())
                .addToContainerStatuses(new ContainerStatusBuilder().withName("app").withImage("bench")
                    .withImageID("bench").withReady(true).withStarted(true).withRestartCount(0)
                    .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build())
                .endStatus().build().getStatus());
            client.pods().resource(created).updateStatus();
            consecutiveFailures.set(0);
            int done = running.incrementAndGet();
            if (done % PROGRESS_EVERY == 0) {
              log("  %d / %d pods Running (%.0f pods/s)", done, total, done / ((System.nanoTime() - podStart) / 1e9));
            }
          } catch (KubernetesClientException e) {
            failures.incrementAndGet();
            consecutiveFailures.incrementAndGet();
            lastError.set(e.getCode() + " " + e.getMessage().lines().findFirst().orElse(""));
          } finally {
            inFlight.release();
          }
        });
      }
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - podStart) / 1e9;
    if (stopReason != null) {
      log("stopped after %d of %d pods: %s", submitted, total, stopReason);
    }
    if (failures.get() > 0) {
      log("%d pod registrations failed (last: %s)", failures.get(), lastError.get());
    }
    log("%d pods Running in %.1f s (%.0f pods/s)", running.get(), seconds, running.get() / seconds);
    System.out.println("registered " + nodes + " " + running.get());
  }

  static Node nodeObject(String name, int port, String now) {
    Node node = FakeKubelets.nodeObject(name, port, Map.of(NODE_LABEL, "true"));
    Map<String, Quantity> capacity = Map.of("cpu", new Quantity("32"), "memory", new Quantity("128Gi"),
        "pods", new Quantity("110"));
    node.getStatus().setCapacity(capacity);
    node.getStatus().setAllocatable(capacity);
    node.getStatus().setConditions(List.of(new NodeConditionBuilder().withType("Ready").withStatus("True")
        .withReason("KubeletReady").withMessage("simulated by the benchmark's kubelet farm")
        .withLastHeartbeatTime(now).withLastTransitionTime(now).build()));
    return node;
  }

  static Pod podObject(int n, int p) {
    return new PodBuilder()
        .withNewMetadata().withNamespace(namespace(p)).withName(podName(n, p)).addToLabels(POD_LABEL, "true")
        .endMetadata()
        .withNewSpec().withNodeName(ScrapeBenchmark.nodeName(n)).withAutomountServiceAccountToken(false)
        .addNewContainer().withName("app").withImage("bench").endContainer()
        .withTolerations(
            new TolerationBuilder().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
                .withEffect("NoExecute").build(),
            new TolerationBuilder().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
                .withEffect("NoExecute").build())
        .endSpec()
        .build();
  }

  private static void unregister(KubernetesClient client, boolean namespaces) throws Exception {
    long start = System.nanoTime();
    long before = countPods(client);
    if (before > 0) {
      log("deleting the farm pods");
    }
    // One delete-collection per namespace, in parallel, grace period 0: nobody runs these pods, a
    // graceful delete would wait for a kubelet forever. kube-apiserver stops a delete-collection
    // when its client gives up (it takes minutes while servers watch 30,000 pods), so each is
    // repeated until no farm pod is left.
    ExecutorService pool = Executors.newFixedThreadPool(NAMESPACES);
    try {
      for (int round = 1; countPods(client) > 0; round++) {
        if (round > 20) {
          throw new IllegalStateException(countPods(client) + " farm pods still exist after 20 rounds of deletion");
        }
        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < NAMESPACES; i++) {
          String ns = "ns-" + i;
          results.add(pool.submit(() -> client.pods().inNamespace(ns).withLabel(POD_LABEL, "true")
              .withGracePeriod(0).delete()));
        }
        for (Future<?> result : results) {
          try {
            result.get();
          } catch (java.util.concurrent.ExecutionException e) {
            log("  a delete-collection did not finish (%s); repeating", e.getCause().getMessage().lines()
                .findFirst().orElse(""));
          }
        }
        log("  farm pods left: %s", countPods(client) > 0 ? "some (repeating)" : "none");
      }
    } finally {
      pool.shutdownNow();
    }
    if (before > 0) {
      log("farm pods deleted in %.1f s", (System.nanoTime() - start) / 1e9);
    }
    client.nodes().withLabel(NODE_LABEL, "true").withGracePeriod(0).delete();
    log("farm nodes deleted");
    if (namespaces) {
      client.namespaces().withLabel(NAMESPACE_LABEL, "true").delete();
      log("farm namespaces deleted");
    }
  }

  /**
   * Farm pods left, at least: a page of one item plus the server's remaining count when it gives
   * one (not with a label selector), never the whole list (150,000 pods at 5,000 nodes).
   */
  private static long countPods(KubernetesClient client) {
    var page = client.pods().inAnyNamespace().withLabel(POD_LABEL, "true")
        .list(new ListOptionsBuilder().withLimit(1L).build());
    Long remaining = page.getMetadata().getRemainingItemCount();
    return page.getItems().size() + (remaining == null ? 0 : remaining);
  }
}
