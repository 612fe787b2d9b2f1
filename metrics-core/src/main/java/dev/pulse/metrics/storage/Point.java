package dev.pulse.metrics.storage;

/**
 * One complete sample of a cumulative CPU counter and a memory gauge.
 *
 * @param timestampMillis when the kubelet took the sample (kubelet clock)
 * @param cpuNanos cumulative CPU time in nanocore-seconds
 * @param memoryBytes working set in bytes
 * @param startTimeMillis when the container started, or -1 when unknown (always -1 for nodes)
 */
record Point(long timestampMillis, long cpuNanos, long memoryBytes, long startTimeMillis) {

  /** The counter's origin for a container that started at {@code startTimeMillis}: cgroup counters start at zero. */
  static Point containerStart(long startTimeMillis) {
    return new Point(startTimeMillis, 0, 0, startTimeMillis);
  }
}
