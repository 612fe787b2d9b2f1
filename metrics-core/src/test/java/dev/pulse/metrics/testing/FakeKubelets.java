package dev.pulse.metrics.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.math.BigDecimal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Many simulated kubelets behind one HTTPS port, the way kwok serves them: node {@code n}'s resource
 * metrics are at {@code /metrics/nodes/n/metrics/resource}, which {@link #nodeObject} advertises
 * through the {@code metrics.k8s.io/resource-metrics-path} annotation.
 *
 * <p>Each node has its own kubelet clock. It starts at the wall clock (whole seconds) on the node's
 * first request and advances by exactly {@link #STEP_MILLIS} on every later request, whatever the
 * answer: so two consecutive samples of a node are exactly one step apart however late the scraper
 * runs, a failed scrape in between makes them two steps apart, and the cumulative CPU counters,
 * integrated over that clock from the configured rates, yield those rates exactly.
 *
 * <p>Bodies are the kubelet's Prometheus text format (HELP/TYPE lines, families in name order,
 * series sorted by label values, Go's float formatting, millisecond timestamps).
 */
public final class FakeKubelets implements AutoCloseable {

  public static final String PATH_ANNOTATION = "metrics.k8s.io/resource-metrics-path";
  public static final long STEP_MILLIS = 1000;
  /** How long containers (and nodes) have been up when first scraped. */
  private static final long UPTIME_MILLIS = TimeUnit.HOURS.toMillis(1);
  private static final Pattern PATH = Pattern.compile("/metrics/nodes/([^/]+)/metrics/resource");

  /** How a node's kubelet answers. */
  public enum Behaviour {
    /** 200 with the node's metrics. */
    NORMAL,
    /** Reads the request and never answers. */
    HANG,
    /** 200 with an HTML error page, as a misrouted proxy would send. */
    GARBAGE,
    /** 403 with the kubelet's authorization-denied text. */
    FORBIDDEN
  }

  /**
   * One request as the kubelet saw it.
   *
   * @param authorization the Authorization header, or null
   * @param clientCommonName CN of the client certificate, or null when none was presented
   * @param answer how it was answered; null when refused with 401 for a missing or wrong token
   * @param userAgent the User-Agent header, or null
   */
  public record Request(String node, String authorization, String clientCommonName, Behaviour answer,
      String userAgent) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final String requiredToken;
  private final Map<String, SimNode> nodes = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private FakeKubelets(Vertx vertx, HttpServer server, String requiredToken) {
    this.vertx = vertx;
    this.server = server;
    this.requiredToken = requiredToken;
  }

  /**
   * Listens on 127.0.0.1 with a serving certificate from {@code ca} for 127.0.0.1/localhost, and
   * asks for (without requiring) client certificates signed by {@code ca}.
   *
   * @param requiredBearerToken when not null, requests without {@code Authorization: Bearer <it>}
   *     get 401, as a kubelet with webhook authentication answers an anonymous request
   */
  public static FakeKubelets start(TestPki.Ca ca, String requiredBearerToken) throws Exception {
    return start(ca, requiredBearerToken, List.of());
  }

  /** As {@link #start(TestPki.Ca, String)}, also accepting client certificates signed by {@code clientCaPems}. */
  public static FakeKubelets start(TestPki.Ca ca, String requiredBearerToken, List<String> clientCaPems)
      throws Exception {
    TestPki.Issued serving = ca.issueServer("fake-kubelet", "127.0.0.1", "localhost");
    Vertx vertx = Vertx.vertx();
    HttpServerOptions options = new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertValue(Buffer.buffer(serving.certPem())).setKeyValue(Buffer.buffer(serving.keyPem())))
        .setTrustOptions(trust(ca, clientCaPems))
        .setClientAuth(ClientAuth.REQUEST);
    HttpServer server = vertx.createHttpServer(options);
    FakeKubelets kubelets = new FakeKubelets(vertx, server, requiredBearerToken);
    server.requestHandler(kubelets::handle);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return kubelets;
  }

  private static PemTrustOptions trust(TestPki.Ca ca, List<String> clientCaPems) {
    PemTrustOptions trust = new PemTrustOptions().addCertValue(Buffer.buffer(ca.certPem()));
    clientCaPems.forEach(pem -> trust.addCertValue(Buffer.buffer(pem)));
    return trust;
  }

  public int port() {
    return server.actualPort();
  }

  /** Adds a simulated node (behaving {@link Behaviour#NORMAL}, with no usage until configured). */
  public SimNode addNode(String name) {
    SimNode node = new SimNode(name);
    if (nodes.putIfAbsent(name, node) != null) {
      throw new IllegalArgumentException("node " + name + " exists");
    }
    return node;
  }

  public SimNode node(String name) {
    return nodes.get(name);
  }

  /** The Node object an API server would hold for {@code name}: InternalIP 127.0.0.1, this port, kwok's path. */
  public Node nodeObject(String name, Map<String, String> labels) {
    return nodeObject(name, port(), labels);
  }

  /** {@link #nodeObject(String, Map)} for a farm listening on {@code port} in another process. */
  public static Node nodeObject(String name, int port, Map<String, String> labels) {
    return new NodeBuilder()
        .withNewMetadata().withName(name).withLabels(labels)
        .addToAnnotations(PATH_ANNOTATION, "/metrics/nodes/" + name + "/metrics/resource").endMetadata()
        .withNewStatus()
        .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
        .addNewAddress().withType("Hostname").withAddress(name).endAddress()
        .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(port).endKubeletEndpoint().endDaemonEndpoints()
        .endStatus()
        .build();
  }

  /** Every request for {@code node} so far, oldest first. */
  public List<Request> requests(String node) {
    return requests.stream().filter(r -> r.node().equals(node)).toList();
  }

  /** How many requests for {@code node} were answered with {@code behaviour}. */
  public long answered(String node, Behaviour behaviour) {
    return requests.stream().filter(r -> r.node().equals(node) && r.answer() == behaviour).count();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest request) {
    Matcher path = PATH.matcher(request.path());
    SimNode node = path.matches() ? nodes.get(path.group(1)) : null;
    if (node == null) {
      request.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("404 page not found\n");
      return;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    String clientCn = clientCommonName(request);
    if (requiredToken != null && !("Bearer " + requiredToken).equals(authorization)) {
      requests.add(new Request(node.name, authorization, clientCn, null, request.getHeader(HttpHeaders.USER_AGENT)));
      request.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("Unauthorized");
      return;
    }
    SimNode.Answer answer = node.answer();
    requests.add(new Request(node.name, authorization, clientCn, answer.behaviour(),
        request.getHeader(HttpHeaders.USER_AGENT)));
    switch (answer.behaviour()) {
      case NORMAL -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
          .end(answer.body());
      case HANG -> { } // the scraper's deadline has to end this one
      case GARBAGE -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
          .end("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
              + "<body><h1>Bad Gateway</h1><p>The upstream server is unreachable.</p></body></html>\n");
      case FORBIDDEN -> request.response().setStatusCode(403)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("Forbidden (user=system:serviceaccount:kube-system:pulse-aggregator, verb=get, resource=nodes,"
              + " subresource=metrics)");
    }
  }

  private static String clientCommonName(HttpServerRequest request) {
    try {
      List<Certificate> chain = request.connection().peerCertificates();
      if (chain == null || chain.isEmpty()) {
        return null;
      }
      X500Name subject = X500Name.getInstance(((X509Certificate) chain.get(0)).getSubjectX500Principal().getEncoded());
      return IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue());
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** One simulated node: its usage, its containers' usage, its behaviour and its clock. */
  public static final class SimNode {

    private record ContainerKey(String namespace, String pod, String container) {}

    private static final class SimContainer {
      long cpuNanocores;
      long memoryBytes;
      long startMillis = -1;
      long cpuNanos;
    }

    record Answer(Behaviour behaviour, String body) {}

    private final String name;
    private long cpuNanocores;
    private long memoryBytes;
    private long cpuNanos;
    private final Map<ContainerKey, SimContainer> containers = new LinkedHashMap<>();
    private Behaviour behaviour = Behaviour.NORMAL;
    private final Deque<Behaviour> next = new ArrayDeque<>();
    private long nowMillis = -1;
    private final List<Long> sampleTimes = new ArrayList<>();

    private SimNode(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    /** The node's own CPU rate (nanocores) and working set (bytes), from the next sample on. */
    public synchronized SimNode usage(long cpuNanocores, long memoryBytes) {
      this.cpuNanocores = cpuNanocores;
      this.memoryBytes = memoryBytes;
      return this;
    }

    /** Adds or reconfigures a container this kubelet reports, whatever its pod's phase. */
    public synchronized SimNode container(String namespace, String pod, String container, long cpuNanocores,
        long memoryBytes) {
      SimContainer c = containers.computeIfAbsent(new ContainerKey(namespace, pod, container), k -> new SimContainer());
      c.cpuNanocores = cpuNanocores;
      c.memoryBytes = memoryBytes;
      return this;
    }

    /** How every later request is answered. */
    public synchronized SimNode behave(Behaviour behaviour) {
      this.behaviour = behaviour;
      next.clear();
      return this;
    }

    /** Answers the next {@code times} requests with {@code behaviour}, then goes back to the current one. */
    public synchronized SimNode failNext(Behaviour behaviour, int times) {
      for (int i = 0; i < times; i++) {
        next.add(behaviour);
      }
      return this;
    }

    /** Kubelet times (epoch ms) of every sample this node served. */
    public synchronized List<Long> sampleTimesMillis() {
      return List.copyOf(sampleTimes);
    }

    synchronized Answer answer() {
      boolean first = nowMillis < 0;
      nowMillis = first ? System.currentTimeMillis() / 1000 * 1000 : nowMillis + STEP_MILLIS;
      // The counters run whatever the answer: a kubelet's cgroups do not stop when a scrape fails.
      cpuNanos += Math.multiplyExact(cpuNanocores, first ? UPTIME_MILLIS : STEP_MILLIS) / 1000;
      for (SimContainer c : containers.values()) {
        boolean firstSeen = c.startMillis < 0;
        if (firstSeen) {
          c.startMillis = nowMillis - UPTIME_MILLIS;
        }
        c.cpuNanos += Math.multiplyExact(c.cpuNanocores, firstSeen ? UPTIME_MILLIS : STEP_MILLIS) / 1000;
      }
      Behaviour now = next.isEmpty() ? behaviour : next.poll();
      if (now != Behaviour.NORMAL) {
        return new Answer(now, null);
      }
      sampleTimes.add(nowMillis);
      return new Answer(now, render());
    }

    /** The body of kubelet's {@code /metrics/resource} at the current clock. */
    private String render() {
      String ts = " " + nowMillis;
      List<Map.Entry<ContainerKey, SimContainer>> sorted = containers.entrySet().stream()
          .sorted(Comparator.comparing((Map.Entry<ContainerKey, SimContainer> e) -> e.getKey().container())
              .thenComparing(e -> e.getKey().namespace()).thenComparing(e -> e.getKey().pod()))
          .toList();
      Map<String, long[]> pods = new TreeMap<>();
      for (var e : sorted) {
        long[] sum = pods.computeIfAbsent(e.getKey().namespace() + "\u0000" + e.getKey().pod(), k -> new long[2]);
        sum[0] += e.getValue().cpuNanos;
        sum[1] += e.getValue().memoryBytes;
      }
      StringBuilder out = new StringBuilder();
      family(out, "container_cpu_usage_seconds_total", "counter",
          "Cumulative cpu time consumed by the container in core-seconds");
      sorted.forEach(e -> out.append("container_cpu_usage_seconds_total").append(labels(e.getKey())).append(' ')
          .append(goFloat(BigDecimal.valueOf(e.getValue().cpuNanos, 9))).append(ts).append('\n'));
      family(out, "container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes");
      sorted.forEach(e -> out.append("container_memory_working_set_bytes").append(labels(e.getKey())).append(' ')
          .append(goFloat(BigDecimal.valueOf(e.getValue().memoryBytes))).append(ts).append('\n'));
      family(out, "container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds");
      sorted.forEach(e -> out.append("container_start_time_seconds").append(labels(e.getKey())).append(' ')
          .append(goFloat(BigDecimal.valueOf(e.getValue().startMillis, 3))).append(ts).append('\n'));
      family(out, "node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds");
      out.append("node_cpu_usage_seconds_total ").append(goFloat(BigDecimal.valueOf(cpuNanos, 9))).append(ts).append('\n');
      family(out, "node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes");
      out.append("node_memory_working_set_bytes ").append(goFloat(BigDecimal.valueOf(memoryBytes))).append(ts)
          .append('\n');
      // Families Pulse does not read, present in every real kubelet answer.
      family(out, "pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds");
      pods.forEach((key, sum) -> out.append("pod_cpu_usage_seconds_total").append(podLabels(key)).append(' ')
          .append(goFloat(BigDecimal.valueOf(sum[0], 9))).append(ts).append('\n'));
      family(out, "pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes");
      pods.forEach((key, sum) -> out.append("pod_memory_working_set_bytes").append(podLabels(key)).append(' ')
          .append(goFloat(BigDecimal.valueOf(sum[1]))).append(ts).append('\n'));
      family(out, "resource_scrape_error", "gauge",
          "1 if there was an error while getting container metrics, 0 otherwise");
      out.append("resource_scrape_error 0\n");
      return out.toString();
    }

    private static void family(StringBuilder out, String name, String type, String help) {
      out.append("# HELP ").append(name).append(" [STABLE] ").append(help).append('\n')
          .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String labels(ContainerKey key) {
      return "{container=\"" + key.container() + "\",namespace=\"" + key.namespace() + "\",pod=\"" + key.pod() + "\"}";
    }

    private static String podLabels(String key) {
      String[] parts = key.split("\u0000");
      return "{namespace=\"" + parts[0] + "\",pod=\"" + parts[1] + "\"}";
    }
  }

  /**
   * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, which the Prometheus text encoder uses, for
   * a decimal of at most 15 significant digits (so the decimal is also the shortest form of its
   * double): exponent form below 1e-4 and from 1e6 up ({@code 1.253376e+07}), plain otherwise.
   */
  static String goFloat(BigDecimal value) {
    if (value.signum() == 0) {
      return "0";
    }
    BigDecimal v = value.stripTrailingZeros();
    String digits = v.unscaledValue().abs().toString();
    if (digits.length() > 15) {
      throw new IllegalArgumentException(value + " has more digits than a double keeps exactly");
    }
    int exponent = digits.length() - 1 - v.scale();
    String sign = v.signum() < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 6) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
    return v.toPlainString();
  }
}
