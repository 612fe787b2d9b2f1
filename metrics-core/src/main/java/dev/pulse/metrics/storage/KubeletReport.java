package dev.pulse.metrics.storage;

import java.util.List;

/**
 * One kubelet's answer. {@code node} is null when neither node series was present.
 *
 * @param node            node-level usage, or null
 * @param containers      per-container usage in the order the containers first appeared
 * @param rejectedSamples series that were well-formed but unusable (NaN, infinite, negative, or missing labels)
 */
public record KubeletReport(NodeSample node, List<ContainerSample> containers, int rejectedSamples) {

  public KubeletReport {
    containers = List.copyOf(containers);
  }
}
