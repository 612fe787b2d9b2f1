package dev.pulse.metrics.storage;

/** A pod's identity in the store. */
public record PodRef(String namespace, String name) {
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
