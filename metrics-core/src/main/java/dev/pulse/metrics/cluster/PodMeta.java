package dev.pulse.metrics.cluster;

import java.util.Map;

/** What Pulse keeps of a Running pod: enough to list and select it, nothing more. */
public record PodMeta(String namespace, String name, Map<String, String> labels) {}
