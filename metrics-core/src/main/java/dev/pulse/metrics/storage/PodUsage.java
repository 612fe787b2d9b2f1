package dev.pulse.metrics.storage;

import java.util.List;

/**
 * The usage of every container a pod runs. {@code timestampMillis} and {@code windowMillis} are
 * those of the container with the earliest sample, as in metrics-server: the HPA compares them
 * with pod readiness to discard samples taken while a pod was starting.
 */
public record PodUsage(long timestampMillis, long windowMillis, List<ContainerUsage> containers) {}
