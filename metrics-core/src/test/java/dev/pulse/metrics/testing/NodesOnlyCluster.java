package dev.pulse.metrics.testing;

import dev.pulse.metrics.cluster.ClusterView;
import dev.pulse.metrics.cluster.LeanNode;
import dev.pulse.metrics.cluster.PodMeta;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Optional;

/** A cluster of fixed nodes and no pods: what the scrape loop sees, for its tests and benchmark. */
public record NodesOnlyCluster(List<LeanNode> nodes) implements ClusterView {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  public NodesOnlyCluster {
    nodes = List.copyOf(nodes);
  }

  /** These Node objects, as the aggregator's informer would see them. */
  public static NodesOnlyCluster of(List<Node> nodes) {
    return new NodesOnlyCluster(nodes.stream().map(NodesOnlyCluster::lean).toList());
  }

  /** {@code node} decoded as the informer decodes what the API server sends. */
  public static LeanNode lean(Node node) {
    return SERIALIZATION.convertValue(node, LeanNode.class);
  }

  @Override
  public Optional<LeanNode> node(String name) {
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
