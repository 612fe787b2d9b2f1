package dev.pulse.metrics.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark's client of both metrics servers (Pulse's aggregator directly, as kube-apiserver
 * dials it, and metrics-server), authenticated with the admin client certificate like the
 * script's curl. Servers are given as {@code label,url,ca-file,verify-name} (see
 * {@link BenchTls.Server}); every command also takes {@code --cert FILE --key FILE}.
 *
 * <pre>
 * load SERVER PATH CLIENTS REQUESTS WARMUP   latency of GET PATH: CLIENTS threads, each WARMUP
 *                                             untimed then REQUESTS timed requests; prints
 *                                             "p50_ms p99_ms mean_ms max_ms count"
 * first-top SERVER NODES START_MS TIMEOUT_S   polls the node list until it holds NODES nodes;
 *                                             prints the seconds since START_MS (epoch ms)
 * count SERVER                                prints "nodes pods" served
 * crosscheck SERVER_A SERVER_B               every node and pod (container) both serve must have
 *                                             the same usage: CPU within 5 % (or 1m), memory
 *                                             within 1 %; objects only one serves are mismatches.
 *                                             Prints "served LABEL NODES PODS" per server; exit 1
 *                                             on a mismatch, naming the objects.
 * </pre>
 */
public final class MetricsClient {

  static final String NODES = "/apis/metrics.k8s.io/v1beta1/nodes";
  static final String PODS = "/apis/metrics.k8s.io/v1beta1/pods";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BigDecimal CPU_TOLERANCE = new BigDecimal("0.05");
  private static final BigDecimal CPU_FLOOR_CORES = new BigDecimal("0.001");
  private static final BigDecimal MEMORY_TOLERANCE = new BigDecimal("0.01");

  private MetricsClient() {}

  public static void main(String[] argv) throws Exception {
    List<String> args = new ArrayList<>(List.of(argv));
    Path cert = Path.of(option(args, "--cert"));
    Path key = Path.of(option(args, "--key"));
    switch (args.get(0)) {
      case "load" -> load(BenchTls.Server.parse(args.get(1)), cert, key, args.get(2), Integer.parseInt(args.get(3)),
          Integer.parseInt(args.get(4)), Integer.parseInt(args.get(5)));
      case "first-top" -> firstTop(BenchTls.Server.parse(args.get(1)), cert, key, Integer.parseInt(args.get(2)),
          Long.parseLong(args.get(3)), Integer.parseInt(args.get(4)));
      case "count" -> {
        BenchTls.Server server = BenchTls.Server.parse(args.get(1));
        HttpClient client = BenchTls.client(server, cert, key);
        System.out.println(items(get(client, server, NODES)).size() + " " + items(get(client, server, PODS)).size());
      }
      case "crosscheck" -> System.exit(crosscheck(BenchTls.Server.parse(args.get(1)), BenchTls.Server.parse(args.get(2)),
          cert, key) ? 0 : 1);
      default -> throw new IllegalArgumentException("unknown command " + args.get(0));
    }
  }

  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0 || i + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " FILE is required");
    }
    String value = args.get(i + 1);
    args.remove(i + 1);
    args.remove(i);
    return value;
  }

  private static HttpRequest request(BenchTls.Server server, String path) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Accept", "application/json")
        .timeout(Duration.ofSeconds(60)).GET().build();
  }

  static String get(HttpClient client, BenchTls.Server server, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request(server, path), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(server.label() + " GET " + path + ": HTTP " + response.statusCode() + " "
          + response.body().substring(0, Math.min(300, response.body().length())));
    }
    return response.body();
  }

  private static List<JsonNode> items(String body) throws IOException {
    List<JsonNode> items = new ArrayList<>();
    JSON.readTree(body).path("items").forEach(items::add);
    return items;
  }

  private static void load(BenchTls.Server server, Path cert, Path key, String path, int clients, int requests,
      int warmup) throws Exception {
    CyclicBarrier start = new CyclicBarrier(clients);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Long>>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      results.add(pool.submit(() -> {
        HttpClient client = BenchTls.client(server, cert, key);
        HttpRequest request = request(server, path);
        for (int i = 0; i < warmup; i++) {
          send(client, request, server);
        }
        start.await();
        List<Long> nanos = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
          long t0 = System.nanoTime();
          send(client, request, server);
          nanos.add(System.nanoTime() - t0);
        }
        return nanos;
      }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> result : results) {
      all.addAll(result.get());
    }
    pool.shutdown();
    Collections.sort(all);
    double mean = all.stream().mapToLong(Long::longValue).average().orElse(0);
    System.out.printf(Locale.ROOT, "%.1f %.1f %.1f %.1f %d%n", percentile(all, 50) / 1e6, percentile(all, 99) / 1e6,
        mean / 1e6, all.get(all.size() - 1) / 1e6, all.size());
  }

  private static void send(HttpClient client, HttpRequest request, BenchTls.Server server) throws Exception {
    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw new IOException(server.label() + " " + request.uri() + ": HTTP " + response.statusCode());
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static void firstTop(BenchTls.Server server, Path cert, Path key, int nodes, long startMillis,
      int timeoutSeconds) throws Exception {
    HttpClient client = BenchTls.client(server, cert, key);
    long deadline = startMillis + timeoutSeconds * 1000L;
    int last = -1;
    String lastError = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        last = items(get(client, server, NODES)).size();
        if (last >= nodes) {
          System.out.printf(Locale.ROOT, "%.1f%n", (System.currentTimeMillis() - startMillis) / 1000.0);
          return;
        }
      } catch (IOException e) {
        lastError = e.getMessage();
      }
      Thread.sleep(250);
    }
    System.err.printf("%s listed %d of %d nodes %d s after its start (last error: %s)%n", server.label(), last, nodes,
        timeoutSeconds, lastError);
    System.exit(1);
  }

  /** Usage by object: "node/NAME" or "pod/NS/NAME/CONTAINER" to {cpu cores, memory bytes}. */
  private static Map<String, BigDecimal[]> usage(HttpClient client, BenchTls.Server server, int[] served)
      throws Exception {
    Map<String, BigDecimal[]> usage = new TreeMap<>();
    List<JsonNode> nodes = items(get(client, server, NODES));
    for (JsonNode node : nodes) {
      usage.put("node/" + node.path("metadata").path("name").asText(), quantities(node.path("usage")));
    }
    List<JsonNode> pods = items(get(client, server, PODS));
    for (JsonNode pod : pods) {
      String prefix = "pod/" + pod.path("metadata").path("namespace").asText() + "/"
          + pod.path("metadata").path("name").asText() + "/";
      for (JsonNode container : pod.path("containers")) {
        usage.put(prefix + container.path("name").asText(), quantities(container.path("usage")));
      }
    }
    served[0] = nodes.size();
    served[1] = pods.size();
    return usage;
  }

  private static BigDecimal[] quantities(JsonNode usage) {
    return new BigDecimal[] {Quantity.getAmountInBytes(new Quantity(usage.path("cpu").asText("0"))),
        Quantity.getAmountInBytes(new Quantity(usage.path("memory").asText("0")))};
  }

  private static boolean crosscheck(BenchTls.Server a, BenchTls.Server b, Path cert, Path key) throws Exception {
    int[] servedA = new int[2];
    int[] servedB = new int[2];
    Map<String, BigDecimal[]> usageA = usage(BenchTls.client(a, cert, key), a, servedA);
    Map<String, BigDecimal[]> usageB = usage(BenchTls.client(b, cert, key), b, servedB);
    System.out.printf("served %s %d %d%n", a.label(), servedA[0], servedA[1]);
    System.out.printf("served %s %d %d%n", b.label(), servedB[0], servedB[1]);
    List<String> mismatches = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(usageA.keySet());
    names.addAll(usageB.keySet());
    for (String name : names) {
      BigDecimal[] x = usageA.get(name);
      BigDecimal[] y = usageB.get(name);
      if (x == null || y == null) {
        mismatches.add(name + ": served only by " + (x == null ? b.label() : a.label()));
        continue;
      }
      BigDecimal cpuDiff = x[0].subtract(y[0]).abs();
      if (cpuDiff.compareTo(CPU_FLOOR_CORES) > 0 && cpuDiff.compareTo(x[0].max(y[0]).multiply(CPU_TOLERANCE)) > 0) {
        mismatches.add(String.format("%s: CPU %s %s cores, %s %s cores", name, a.label(), round(x[0]), b.label(),
            round(y[0])));
      }
      if (x[1].subtract(y[1]).abs().compareTo(x[1].max(y[1]).multiply(MEMORY_TOLERANCE)) > 0) {
        mismatches.add(String.format("%s: memory %s %s bytes, %s %s bytes", name, a.label(), x[1].toPlainString(),
            b.label(), y[1].toPlainString()));
      }
    }
    System.out.printf("cross-check: %d objects (nodes and containers) compared, %d mismatches%n", names.size(),
        mismatches.size());
    mismatches.stream().limit(25).forEach(m -> System.out.println("  MISMATCH " + m));
    if (mismatches.size() > 25) {
      System.out.printf("  ... and %d more%n", mismatches.size() - 25);
    }
    return mismatches.isEmpty();
  }

  private static String round(BigDecimal value) {
    return value.round(new MathContext(6)).toPlainString();
  }
}
