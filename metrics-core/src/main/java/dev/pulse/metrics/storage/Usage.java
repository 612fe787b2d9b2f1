package dev.pulse.metrics.storage;

/**
 * Resource usage over the interval [timestamp - window, timestamp].
 *
 * @param timestampMillis end of the interval (kubelet clock)
 * @param windowMillis length of the interval actually measured, not the configured resolution
 * @param cpuNanocores average CPU usage over the window
 * @param memoryBytes working set at the end of the window
 */
public record Usage(long timestampMillis, long windowMillis, long cpuNanocores, long memoryBytes) {}
