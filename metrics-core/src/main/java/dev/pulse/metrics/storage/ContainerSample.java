package dev.pulse.metrics.storage;

/**
 * Usage of one container. Absent values are -1. {@code timestampMillis} is the CPU sample's timestamp, else the
 * memory sample's.
 *
 * @param namespace       the pod's namespace
 * @param pod             the pod's name
 * @param container       the container's name
 * @param timestampMillis when the usage was observed, in Unix milliseconds
 * @param cpuNanos        cumulative CPU in nanocore-seconds ({@code value_seconds * 1e9}, rounded down)
 * @param memoryBytes     working set in bytes
 * @param startTimeMillis container start time ({@code container_start_time_seconds * 1000})
 */
public record ContainerSample(
    String namespace,
    String pod,
    String container,
    long timestampMillis,
    long cpuNanos,
    long memoryBytes,
    long startTimeMillis) {

  /** Whether both CPU and memory were reported. */
  public boolean complete() {
    return cpuNanos >= 0 && memoryBytes >= 0;
  }
}
