package dev.pulse.metrics.api;

import dev.pulse.metrics.api.selector.FieldSelector;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.api.selector.SelectorException;
import dev.pulse.metrics.api.types.ContainerMetrics;
import dev.pulse.metrics.api.types.MetricsGroup;
import dev.pulse.metrics.api.types.MetricsList;
import dev.pulse.metrics.api.types.NodeMetrics;
import dev.pulse.metrics.api.types.ObjectMeta;
import dev.pulse.metrics.api.types.PodMetrics;
import dev.pulse.metrics.api.types.Status;
import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.cluster.PodMeta;
import dev.pulse.metrics.storage.ContainerUsage;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.storage.PodUsage;
import dev.pulse.metrics.storage.Usage;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Serves metrics.k8s.io/v1beta1 from the cluster view and the store: the REST semantics of
 * metrics-server (selectors, ordering, Table output, Status errors) without any I/O, so that it
 * is tested as a function from request to response.
 */
public final class MetricsApi {

  /** An HTTP status and the object to encode as its JSON body. */
  public record Response(int status, Object body) {
    static Response ok(Object body) {
      return new Response(200, body);
    }

    static Response error(Status status) {
      return new Response(status.code(), status);
    }
  }

  private final ClusterView cluster;
  private final MetricsStore store;
  private final LabelSelector nodeSelector;
  private final Clock clock;
  private final LongConsumer servedAgeMillis;

  /**
   * @param nodeSelector the scrape node selector; node lists honour it as metrics-server does
   * @param servedAgeMillis told the age of every object served (the freshness metric)
   */
  public MetricsApi(ClusterView cluster, MetricsStore store, LabelSelector nodeSelector, Clock clock,
      LongConsumer servedAgeMillis) {
    this.cluster = cluster;
    this.store = store;
    this.nodeSelector = nodeSelector;
    this.clock = clock;
    this.servedAgeMillis = servedAgeMillis;
  }

  /** Serves a GET; {@code accept} is the request's Accept header (may be null). */
  public Response serve(ApiRequest request, String accept) {
    if (request.isDiscovery()) {
      return Response.ok(Discovery.forPath(request.path()));
    }
    Resource resource = request.resource();
    if (request.verb().equals("watch")) {
      return Response.error(Status.methodNotSupported(MetricsGroup.GROUP, resource.path, "watch"));
    }
    Output output = Output.negotiate(accept);
    if (output == null) {
      return Response.error(Status.notAcceptable("only the following media types are accepted: " + Output.SUPPORTED));
    }
    Tables.IncludeObject include = Tables.includeObject(request.query().get("includeObject"));
    if (include == null) {
      return Response.error(Status.badRequest("invalid includeObject \"" + request.query().get("includeObject")
          + "\": must be one of None, Metadata, Object"));
    }
    try {
      return resource == Resource.NODES ? nodes(request, output, include) : pods(request, output, include);
    } catch (SelectorException e) {
      return Response.error(Status.badRequest(e.getMessage()));
    }
  }

  private Response nodes(ApiRequest request, Output output, Tables.IncludeObject include) throws SelectorException {
    if (request.name() != null) {
      Optional<Node> node = cluster.node(request.name());
      if (node.isEmpty()) {
        return Response.error(Status.notFound("", "node", request.name()));
      }
      Tables.Item item = nodeItem(node.get(), now());
      if (item == null) {
        return Response.error(Status.notFound(MetricsGroup.GROUP, Resource.NODES.errorResource, request.name()));
      }
      return one(output, include, item);
    }
    LabelSelector labels = LabelSelector.parse(request.labelSelector());
    FieldSelector fields = FieldSelector.parse(request.fieldSelector()).requireObjectMetaFields();
    List<Tables.Item> items = new ArrayList<>();
    String now = now();
    cluster.nodes().stream()
        .filter(n -> labels.matches(n.getMetadata().getLabels()) && nodeSelector.matches(n.getMetadata().getLabels()))
        .filter(n -> fields.matches(Map.of("metadata.name", n.getMetadata().getName())))
        .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
        .forEach(n -> {
          Tables.Item item = nodeItem(n, now);
          if (item != null) {
            items.add(item);
          }
        });
    return many(output, include, items,
        all -> MetricsList.nodes(all.stream().map(i -> (NodeMetrics) i.object()).toList()));
  }

  private Response pods(ApiRequest request, Output output, Tables.IncludeObject include) throws SelectorException {
    if (request.name() != null) {
      Optional<PodMeta> pod = cluster.runningPod(request.namespace(), request.name());
      if (pod.isEmpty()) {
        return Response.error(Status.notFound("", "pods", request.name()));
      }
      Tables.Item item = podItem(pod.get(), now());
      if (item == null) {
        return Response.error(Status.notFound(MetricsGroup.GROUP, Resource.PODS.errorResource,
            request.namespace() + "/" + request.name()));
      }
      return one(output, include, item);
    }
    LabelSelector labels = LabelSelector.parse(request.labelSelector());
    FieldSelector fields = FieldSelector.parse(request.fieldSelector()).requireObjectMetaFields();
    List<Tables.Item> items = new ArrayList<>();
    String now = now();
    for (PodMeta pod : cluster.runningPods(request.namespace())) {
      if (labels.matches(pod.labels())
          && fields.matches(Map.of("metadata.name", pod.name(), "metadata.namespace", pod.namespace()))) {
        Tables.Item item = podItem(pod, now);
        if (item != null) {
          items.add(item);
        }
      }
    }
    return many(output, include, items,
        all -> MetricsList.pods(all.stream().map(i -> (PodMetrics) i.object()).toList()));
  }

  /** @param now the response's time, every item's creationTimestamp (as metrics-server sets it) */
  private Tables.Item nodeItem(Node node, String now) {
    String name = node.getMetadata().getName();
    Usage usage = store.node(name);
    if (usage == null) {
      return null;
    }
    ObjectMeta meta = new ObjectMeta(name, null, now, node.getMetadata().getLabels());
    String window = window(usage.windowMillis());
    NodeMetrics metrics = new NodeMetrics(meta, timestamp(usage.timestampMillis()), window,
        usage(usage.cpuNanocores(), usage.memoryBytes()));
    servedAgeMillis.accept(clock.millis() - usage.timestampMillis());
    return new Tables.Item(meta, metrics, usage.cpuNanocores(), usage.memoryBytes(), window);
  }

  private Tables.Item podItem(PodMeta pod, String now) {
    PodUsage usage = store.pod(pod.namespace(), pod.name());
    if (usage == null) {
      return null;
    }
    ObjectMeta meta = new ObjectMeta(pod.name(), pod.namespace(), now, pod.labels());
    List<ContainerMetrics> containers = new ArrayList<>(usage.containers().size());
    long cpu = 0;
    long memory = 0;
    for (ContainerUsage c : usage.containers()) {
      containers.add(new ContainerMetrics(c.name(), usage(c.usage().cpuNanocores(), c.usage().memoryBytes())));
      cpu += c.usage().cpuNanocores();
      memory += c.usage().memoryBytes();
    }
    String window = window(usage.windowMillis());
    PodMetrics metrics = new PodMetrics(meta, timestamp(usage.timestampMillis()), window, containers);
    servedAgeMillis.accept(clock.millis() - usage.timestampMillis());
    return new Tables.Item(meta, metrics, cpu, memory, window);
  }

  /** A single object: the object itself as JSON, or a one-row Table. */
  private static Response one(Output output, Tables.IncludeObject include, Tables.Item item) {
    return Response.ok(output == Output.JSON ? item.object() : Tables.of(output, include, List.of(item)));
  }

  private static Response many(Output output, Tables.IncludeObject include, List<Tables.Item> items,
      Function<List<Tables.Item>, Object> asList) {
    return Response.ok(output == Output.JSON ? asList.apply(items) : Tables.of(output, include, items));
  }

  private static Map<String, String> usage(long cpuNanocores, long memoryBytes) {
    Map<String, String> usage = new LinkedHashMap<>(4);
    usage.put("cpu", Quantities.cpu(cpuNanocores));
    usage.put("memory", Quantities.memory(memoryBytes));
    return usage;
  }

  private String now() {
    return timestamp(clock.millis());
  }

  /**
   * {@code metav1.Time} marshals RFC 3339 with whole seconds, as ISO_INSTANT prints them for years
   * 0 to 9999. Written by hand: a list of every pod formats tens of thousands of these.
   */
  static String timestamp(long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), 0, ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS));
    }
    char[] c = "0000-00-00T00:00:00Z".toCharArray();
    digits(c, 0, 4, t.getYear());
    digits(c, 5, 2, t.getMonthValue());
    digits(c, 8, 2, t.getDayOfMonth());
    digits(c, 11, 2, t.getHour());
    digits(c, 14, 2, t.getMinute());
    digits(c, 17, 2, t.getSecond());
    return new String(c);
  }

  private static void digits(char[] out, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--, value /= 10) {
      out[i] = (char) ('0' + value % 10);
    }
  }

  private static String window(long millis) {
    return GoDurations.format(Duration.ofMillis(millis));
  }
}
