package dev.pulse.metrics.api;

import dev.pulse.metrics.api.representation.MediaType;
import dev.pulse.metrics.api.selector.FieldSelector;
import dev.pulse.metrics.api.selector.LabelSelector;
import dev.pulse.metrics.api.selector.SelectorException;
import dev.pulse.metrics.api.types.ContainerMetrics;
import dev.pulse.metrics.api.types.MetricsGroup;
import dev.pulse.metrics.api.types.MetricsList;
import dev.pulse.metrics.api.types.NodeMetrics;
import dev.pulse.metrics.api.types.ObjectMeta;
import dev.pulse.metrics.api.types.PartialObjectMetadata;
import dev.pulse.metrics.api.types.PartialObjectMetadataList;
import dev.pulse.metrics.api.types.PodMetrics;
import dev.pulse.metrics.api.types.Status;
import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.cluster.LeanNode;
import dev.pulse.metrics.cluster.PodMeta;
import dev.pulse.metrics.storage.ContainerUsage;
import dev.pulse.metrics.storage.MetricsStore;
import dev.pulse.metrics.storage.PodUsage;
import dev.pulse.metrics.storage.Usage;
import java.time.Clock;
import java.time.Duration;
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

  /** An HTTP status and the object to encode as its body, in the representation negotiated for it. */
  public record Response(int status, Object body, MediaType mediaType) {
    static Response ok(Object body, MediaType mediaType) {
      return new Response(200, body, mediaType);
    }

    public static Response error(Status status, MediaType mediaType) {
      return new Response(status.code(), status, mediaType);
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

  /**
   * Serves a GET; {@code accept} is the request's Accept header (may be null). The checks come in
   * metrics-server's order, which decides which error a request with several problems gets: the
   * route's media types, a list's label selector, negotiation, includeObject, the field selector,
   * then watch.
   */
  public Response serve(ApiRequest request, String accept) {
    MediaType errors = Output.forError(accept);
    boolean list = request.name() == null;
    String produced = Output.unavailable(accept, list && !request.isDiscovery());
    if (produced != null) {
      return Response.error(Status.notAcceptableByRoute(produced), errors);
    }
    if (request.isDiscovery()) {
      MediaType media = Output.plain(accept);
      return media == null ? Response.error(notNegotiable(), errors) : Response.ok(Discovery.forPath(request.path()), media);
    }
    Resource resource = request.resource();
    try {
      LabelSelector labels = list ? LabelSelector.parse(request.labelSelector()) : LabelSelector.everything();
      Output output = Output.negotiate(accept);
      if (output == null) {
        return Response.error(notNegotiable(), errors);
      }
      Tables.IncludeObject include = Tables.includeObject(request.query().get("includeObject"));
      if (include == null) {
        return Response.error(Status.badRequest("invalid includeObject \"" + request.query().get("includeObject")
            + "\": must be one of None, Metadata, Object"), errors);
      }
      FieldSelector fields = list ? FieldSelector.parse(request.fieldSelector()).requireObjectMetaFields()
          : FieldSelector.everything();
      if (request.verb().equals("watch")) {
        return Response.error(Status.methodNotSupported(MetricsGroup.GROUP, resource.path, "watch"), errors);
      }
      Asked asked = new Asked(resource, output, errors, include, labels, fields);
      return resource == Resource.NODES ? nodes(request, asked) : pods(request, asked);
    } catch (SelectorException e) {
      return Response.error(Status.badRequest(e.getMessage()), errors);
    }
  }

  /** What a request asks of a resource once its parameters are parsed and its representation chosen. */
  private record Asked(Resource resource, Output output, MediaType errors, Tables.IncludeObject include,
      LabelSelector labels, FieldSelector fields) {

    /** {@code %T} of metrics-server's internal object, as its conversion errors name it. */
    String goType(boolean list) {
      return "*metrics." + resource.kind + (list ? "List" : "");
    }
  }

  private static Status notNegotiable() {
    return Status.notAcceptable("only the following media types are accepted: " + Output.negotiable());
  }

  private Response nodes(ApiRequest request, Asked asked) {
    if (request.name() != null) {
      Optional<LeanNode> node = cluster.node(request.name());
      if (node.isEmpty()) {
        return Response.error(Status.notFound("", "node", request.name()), asked.errors());
      }
      Tables.Item item = nodeItem(node.get(), now());
      if (item == null) {
        return Response.error(Status.notFound(MetricsGroup.GROUP, Resource.NODES.errorResource, request.name()),
            asked.errors());
      }
      return one(asked, item);
    }
    List<Tables.Item> items = new ArrayList<>();
    long now = now();
    cluster.nodes().stream()
        .filter(n -> asked.labels().matches(n.getMetadata().getLabels())
            && nodeSelector.matches(n.getMetadata().getLabels()))
        .filter(n -> asked.fields().matches(Map.of("metadata.name", n.getMetadata().getName())))
        .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
        .forEach(n -> {
          Tables.Item item = nodeItem(n, now);
          if (item != null) {
            items.add(item);
          }
        });
    return many(asked, items,
        all -> MetricsList.nodes(all.stream().map(i -> (NodeMetrics) i.object()).toList()));
  }

  private Response pods(ApiRequest request, Asked asked) {
    if (request.name() != null) {
      Optional<PodMeta> pod = cluster.runningPod(request.namespace(), request.name());
      if (pod.isEmpty()) {
        return Response.error(Status.notFound("", "pods", request.name()), asked.errors());
      }
      Tables.Item item = podItem(pod.get(), now());
      if (item == null) {
        return Response.error(Status.notFound(MetricsGroup.GROUP, Resource.PODS.errorResource,
            request.namespace() + "/" + request.name()), asked.errors());
      }
      return one(asked, item);
    }
    List<Tables.Item> items = new ArrayList<>();
    long now = now();
    for (PodMeta pod : cluster.runningPods(request.namespace())) {
      if (asked.labels().matches(pod.labels())
          && asked.fields().matches(Map.of("metadata.name", pod.name(), "metadata.namespace", pod.namespace()))) {
        Tables.Item item = podItem(pod, now);
        if (item != null) {
          items.add(item);
        }
      }
    }
    return many(asked, items,
        all -> MetricsList.pods(all.stream().map(i -> (PodMetrics) i.object()).toList()));
  }

  private Tables.Item nodeItem(LeanNode node, long now) {
    String name = node.getMetadata().getName();
    Usage usage = store.node(name);
    if (usage == null) {
      return null;
    }
    ObjectMeta meta = new ObjectMeta(name, null, now, node.getMetadata().getLabels());
    Duration window = window(usage.windowMillis());
    NodeMetrics metrics = new NodeMetrics(meta, Math.floorDiv(usage.timestampMillis(), 1000L), window,
        usage(usage.cpuNanocores(), usage.memoryBytes()));
    servedAgeMillis.accept(clock.millis() - usage.timestampMillis());
    return new Tables.Item(meta, metrics, usage.cpuNanocores(), usage.memoryBytes(), window);
  }

  private Tables.Item podItem(PodMeta pod, long now) {
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
    Duration window = window(usage.windowMillis());
    PodMetrics metrics = new PodMetrics(meta, Math.floorDiv(usage.timestampMillis(), 1000L), window, containers);
    servedAgeMillis.accept(clock.millis() - usage.timestampMillis());
    return new Tables.Item(meta, metrics, cpu, memory, window);
  }

  /** A single object as asked: itself, a one-row Table, or its metadata. */
  private static Response one(Asked asked, Tables.Item item) {
    Output output = asked.output();
    return switch (output.conversion()) {
      case NONE -> Response.ok(item.object(), output.mediaType());
      case TABLE -> Response.ok(Tables.of(output, asked.include(), List.of(item)), output.mediaType());
      case PARTIAL_OBJECT_METADATA -> Response.ok(new PartialObjectMetadata(output.apiVersion(), item.meta()),
          output.mediaType());
      case PARTIAL_OBJECT_METADATA_LIST -> Response.error(Status.notAcceptable("you requested "
          + PartialObjectMetadataList.KIND + ", but the requested object is not a list (" + asked.goType(false) + ")"),
          asked.errors());
    };
  }

  private static Response many(Asked asked, List<Tables.Item> items, Function<List<Tables.Item>, Object> asList) {
    Output output = asked.output();
    return switch (output.conversion()) {
      case NONE -> Response.ok(asList.apply(items), output.mediaType());
      case TABLE -> Response.ok(Tables.of(output, asked.include(), items), output.mediaType());
      case PARTIAL_OBJECT_METADATA -> Response.error(Status.notAcceptable("you requested "
          + PartialObjectMetadata.KIND + ", but the requested object is a list (" + asked.goType(true) + ")"),
          asked.errors());
      case PARTIAL_OBJECT_METADATA_LIST -> Response.ok(PartialObjectMetadataList.of(output.apiVersion(),
          items.stream().map(Tables.Item::meta).toList()), output.mediaType());
    };
  }

  private static Map<String, String> usage(long cpuNanocores, long memoryBytes) {
    Map<String, String> usage = new LinkedHashMap<>(4);
    usage.put("cpu", Quantities.cpu(cpuNanocores));
    usage.put("memory", Quantities.memory(memoryBytes));
    return usage;
  }

  /** The response's time, every item's creationTimestamp (as metrics-server sets it), in epoch seconds. */
  private long now() {
    return Math.floorDiv(clock.millis(), 1000L);
  }

  private static Duration window(long millis) {
    return Duration.ofMillis(millis);
  }
}
