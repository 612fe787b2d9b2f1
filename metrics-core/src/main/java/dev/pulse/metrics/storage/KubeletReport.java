package dev.pulse.metrics.storage;

import java.util.List;

/**
 * One kubelet's answer. {@code node} is null when neither node series was present.
 *
 * @param node            node-level usage, or null
 * @param containers      per-container usage in the order the containers first appeared
 * @param rejected   well-formed samples left out (unusable values, missing labels), each naming what it was for
 */
public record KubeletReport(NodeSample node, List<ContainerSample> containers, List<Dropped> rejected) {

  public KubeletReport {
    containers = List.copyOf(containers);
    rejected = List.copyOf(rejected);
  }
}
