package dev.pulse.metrics.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import dev.pulse.metrics.api.types.GoDurations;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.scrape.KubeletClient;
import dev.pulse.metrics.scrape.KubeletEndpoint;
import dev.pulse.metrics.scrape.Scraper;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.testing.FakeKubelets;
import dev.pulse.metrics.testing.NodesOnlyCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code make bench}: the aggregator's scrape path (fetch, decode, store) over simulated kubelets
 * (default 1,000 nodes × 30 pods), measured for wall time, CPU and bytes allocated per cycle, and
 * for the heap the stored metrics retain. The kubelets run in a child JVM, so every figure is the aggregator's own.
 *
 * <p>Options as system properties: {@code -Dnodes}, {@code -Dpods}, {@code -Dcycles},
 * {@code -Dresolution} (Go duration; the scraper spreads requests over half of it).
 */
public final class ScrapeBenchmark {

  private ScrapeBenchmark() {}

  static String nodeName(int n) {
    return String.format("node-%04d", n);
  }

  public static void main(String[] args) throws Exception {
    int nodes = Integer.getInteger("nodes", 1000);
    int pods = Integer.getInteger("pods", 30);
    int cycles = Integer.getInteger("cycles", 6);
    Duration resolution = GoDurations.parse(System.getProperty("resolution", "15s"));
    System.out.printf("scrape benchmark: %d nodes x %d pods, resolution %s, %d measured cycles (+2 warm-up)%n",
        nodes, pods, GoDurations.format(resolution), cycles);

    Process farm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-cp", System.getProperty("java.class.path"), KubeletFarm.class.getName(),
        Integer.toString(nodes), Integer.toString(pods))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String[] ready = new BufferedReader(new InputStreamReader(farm.getInputStream())).readLine().split(" ");
      int port = Integer.parseInt(ready[1]);
      String caPem = Files.readString(Path.of(ready[2]));
      System.out.printf("simulated kubelets ready on 127.0.0.1:%d (separate process)%n", port);
      run(nodes, pods, cycles, resolution, port, caPem);
    } finally {
      farm.getOutputStream().close();
      farm.destroy();
      farm.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void run(int nodes, int pods, int cycles, Duration resolution, int port, String caPem)
      throws Exception {
    List<Node> nodeObjects = new ArrayList<>(nodes);
    for (int n = 0; n < nodes; n++) {
      nodeObjects.add(FakeKubelets.nodeObject(nodeName(n), port, Map.of()));
    }
    ClusterView cluster = NodesOnlyCluster.of(nodeObjects);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long heapBefore = usedHeapAfterGc(memory);

    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MetricsStore store = new MetricsStore(resolution.toMillis(), 1);
    KubeletClient client = new KubeletClient(vertx, new KubeletClient.Credentials(caPem, false, null, null, null),
        Duration.ofSeconds(10), resolution, 16 << 20, 64);
    Scraper scraper = new Scraper(vertx, cluster, client::fetch, store, LabelSelector.everything(),
        new KubeletEndpoint.Settings(List.of("InternalIP"), 10250, true), resolution, 64, registry);

    List<Double> wall = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Double> allocated = new ArrayList<>();
    for (int c = -2; c < cycles; c++) {
      long cpu0 = os.getProcessCpuTime();
      long allocated0 = allocatedBytes(threads);
      long t0 = System.nanoTime();
      scraper.scrapeOnce().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
      double wallSeconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
      double allocatedMib = (allocatedBytes(threads) - allocated0) / 1048576.0;
      System.out.printf("  cycle %s: %.2f s wall, %.2f s CPU, %.1f MiB allocated, %d nodes with usage, %d pods with usage%n",
          c < 0 ? "warm-up" : Integer.toString(c + 1), wallSeconds, cpuSeconds, allocatedMib, countNodes(store, nodes),
          countPods(store, nodes, pods));
      if (c >= 0) {
        wall.add(wallSeconds);
        cpu.add(cpuSeconds);
        allocated.add(allocatedMib);
      }
    }
    long heapWithStore = usedHeapAfterGc(memory);
    Timer requests = registry.get("pulse.kubelet.request.duration").timer();
    long failed = registry.get("pulse.kubelet.scrape.errors").counters().stream()
        .mapToLong(counter -> (long) counter.count()).sum();

    System.out.println();
    System.out.printf("median cycle: %.2f s wall (requests spread over %.1f s by design), %.2f s CPU%n",
        median(wall), Math.min(0.008 * nodes, resolution.toMillis() / 2000.0), median(cpu));
    System.out.printf("kubelet requests: %d, mean %.1f ms incl. decoding, %d failed%n",
        requests.count(), requests.mean(TimeUnit.MILLISECONDS), failed);
    System.out.printf("heap retained by the aggregator: %.1f MiB (%d node and %d container series; %.0f bytes per container)%n",
        (heapWithStore - heapBefore) / 1048576.0, store.nodeSeries(), store.containerSeries(),
        (double) (heapWithStore - heapBefore) / Math.max(1, store.containerSeries()));
    System.out.printf("CPU per node per scrape: %.3f ms%n", median(cpu) * 1000 / nodes);
    // What the collector has to deal with: every byte allocated is swept or copied, and what the
    // store keeps for a resolution is promoted before it dies.
    System.out.printf("allocated per node per scrape: %.1f KiB (median cycle %.1f MiB)%n",
        median(allocated) * 1024 / nodes, median(allocated));
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static int countNodes(MetricsStore store, int nodes) {
    int count = 0;
    for (int n = 0; n < nodes; n++) {
      count += store.node(nodeName(n)) == null ? 0 : 1;
    }
    return count;
  }

  private static int countPods(MetricsStore store, int nodes, int pods) {
    int count = 0;
    for (int n = 0; n < nodes; n++) {
      for (int p = 0; p < pods; p++) {
        count += store.pod("ns-" + p % 10, "pod-" + n + "-" + p) == null ? 0 : 1;
      }
    }
    return count;
  }

  /** Bytes allocated so far by the threads alive now (the scraper's event loops live throughout). */
  private static long allocatedBytes(ThreadMXBean threads) {
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
