package dev.pulse.metrics.storage;

/** The usage of one container of a pod. */
public record ContainerUsage(String name, Usage usage) {}
