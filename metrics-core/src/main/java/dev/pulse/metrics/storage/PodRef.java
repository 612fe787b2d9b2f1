package dev.pulse.metrics.storage;

/**
 * A pod's identity in the store. Equality is spelled out: the record's generated methods go
 * through method handles that cost more than the comparison itself on the hottest lookups.
 */
public record PodRef(String namespace, String name) {
  @Override
  public boolean equals(Object o) {
    return o instanceof PodRef other && name.equals(other.name) && namespace.equals(other.namespace);
  }

  @Override
  public int hashCode() {
    return 31 * namespace.hashCode() + name.hashCode();
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
