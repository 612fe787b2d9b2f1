package dev.pulse.metrics.cluster;

import java.util.List;
import java.util.Optional;

/** The cluster objects the aggregator scrapes and serves, as seen by its informers. */
public interface ClusterView {

  List<LeanNode> nodes();

  Optional<LeanNode> node(String name);

  /** Running pods, sorted by namespace then name; all namespaces when {@code namespace} is null. */
  List<PodMeta> runningPods(String namespace);

  Optional<PodMeta> runningPod(String namespace, String name);
}
