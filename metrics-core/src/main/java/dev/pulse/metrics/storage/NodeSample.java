package dev.pulse.metrics.storage;

/**
 * Node-level usage. Absent values are -1. {@code timestampMillis} is the CPU sample's timestamp, else the
 * memory sample's.
 *
 * @param timestampMillis when the usage was observed, in Unix milliseconds
 * @param cpuNanos        cumulative CPU in nanocore-seconds
 * @param memoryBytes     working set in bytes
 */
public record NodeSample(long timestampMillis, long cpuNanos, long memoryBytes) {

  /** Whether both CPU and memory were reported. */
  public boolean complete() {
    return cpuNanos >= 0 && memoryBytes >= 0;
  }
}
