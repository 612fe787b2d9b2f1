package dev.pulse.metrics.testing;

import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.cluster.PodMeta;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;
import java.util.Optional;

/** A cluster of fixed nodes and no pods: what the scrape loop sees, for its tests and benchmark. */
public record NodesOnlyCluster(List<Node> nodes) implements ClusterView {

  public NodesOnlyCluster {
    nodes = List.copyOf(nodes);
  }

  @Override
  public Optional<Node> node(String name) {
    return nodes.stream().filter(n -> n.getMetadata().getName().equals(name)).findFirst();
  }

  @Override
  public List<PodMeta> runningPods(String namespace) {
    return List.of();
  }

  @Override
  public Optional<PodMeta> runningPod(String namespace, String name) {
    return Optional.empty();
  }
}
