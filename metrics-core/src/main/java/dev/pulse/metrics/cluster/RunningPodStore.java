package dev.pulse.metrics.cluster;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The pod informer's store, keeping only {@link PodMeta} of Running pods, indexed by namespace
 * and sorted by name: a pod's spec and status are never held, so memory stays flat as pods grow,
 * and lists come out in the order the API serves them.
 */
final class RunningPodStore implements ItemStore<LeanPod> {

  private static final String RUNNING = "Running";

  private final NavigableMap<String, NavigableMap<String, PodMeta>> byNamespace = new ConcurrentSkipListMap<>();

  @Override
  public String getKey(LeanPod pod) {
    return Cache.metaNamespaceKeyFunc(pod);
  }

  @Override
  public LeanPod put(String key, LeanPod pod) {
    // The informer asks the API server for Running pods; checking again keeps the store right
    // even when a server ignores the field selector.
    if (!RUNNING.equals(pod.phase())) {
      return remove(key);
    }
    var meta = pod.getMetadata();
    // Sorted once here, as the API writes them (Go's map order), not on every response.
    PodMeta next = new PodMeta(meta.getNamespace(), meta.getName(), meta.getLabels() == null
        ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(meta.getLabels())));
    PodMeta old = byNamespace.computeIfAbsent(next.namespace(), ns -> new ConcurrentSkipListMap<>()).put(next.name(), next);
    return toPod(old);
  }

  @Override
  public LeanPod remove(String key) {
    String[] parts = key.split("/", 2);
    NavigableMap<String, PodMeta> pods = byNamespace.get(parts[0]);
    return pods == null ? null : toPod(pods.remove(parts[1]));
  }

  @Override
  public Stream<String> keySet() {
    return all().map(p -> p.namespace() + "/" + p.name());
  }

  @Override
  public Stream<LeanPod> values() {
    return all().map(RunningPodStore::toPod);
  }

  @Override
  public int size() {
    return byNamespace.values().stream().mapToInt(Map::size).sum();
  }

  @Override
  public LeanPod get(String key) {
    String[] parts = key.split("/", 2);
    return toPod(find(parts[0], parts[1]).orElse(null));
  }

  List<PodMeta> list(String namespace) {
    if (namespace == null) {
      return all().toList();
    }
    NavigableMap<String, PodMeta> pods = byNamespace.get(namespace);
    return pods == null ? List.of() : List.copyOf(pods.values());
  }

  Optional<PodMeta> find(String namespace, String name) {
    NavigableMap<String, PodMeta> pods = byNamespace.get(namespace);
    return Optional.ofNullable(pods == null ? null : pods.get(name));
  }

  private Stream<PodMeta> all() {
    return byNamespace.values().stream().flatMap(m -> m.values().stream());
  }

  /** What the informer sees of a stored pod: its identity, labels and phase. */
  private static LeanPod toPod(PodMeta meta) {
    if (meta == null) {
      return null;
    }
    ObjectMeta metadata = new ObjectMeta();
    metadata.setNamespace(meta.namespace());
    metadata.setName(meta.name());
    metadata.setLabels(meta.labels());
    return new LeanPod(metadata, RUNNING);
  }
}
