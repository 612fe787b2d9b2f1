package dev.pulse.metrics.storage;

import java.util.Objects;

/**
 * A pod's identity in the store.
 *
 * <p>equals and hashCode are written out: a record's own go through invokedynamic method handles,
 * which the client compiler the aggregator runs with (jvm.options) does not inline. As the key of
 * every pod lookup while storing a scrape, they took a fifth of the scrape path's Java samples.
 */
public record PodRef(String namespace, String name) {

  @Override
  public boolean equals(Object o) {
    return o instanceof PodRef other && Objects.equals(name, other.name) && Objects.equals(namespace, other.namespace);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hashCode(namespace) + Objects.hashCode(name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
