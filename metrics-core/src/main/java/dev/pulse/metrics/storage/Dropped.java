package dev.pulse.metrics.storage;

import java.util.Locale;

/**
 * Usage a scrape could not serve, and why: a pod (or the node itself) left out of the API until a
 * later scrape gives usable samples, or series that named no pod at all. metrics-server leaves the
 * same things out; Pulse says so.
 *
 * @param subject what is left out: {@code pod <namespace>/<name>}, {@code node} for the node's own
 *     usage, or {@code series} for series that name no pod
 * @param cause the rule that applied
 * @param detail the offending series or value, in the kubelet's own names
 */
public record Dropped(String subject, Cause cause, String detail) {

  public static final String NODE = "node";
  public static final String SERIES = "series";

  public enum Cause {
    /** NaN, infinite, negative or too large to count. */
    UNUSABLE_VALUE,
    /** A container (or the node) reported CPU without a working set, or the other way round. */
    MISSING_SAMPLE,
    /**
     * A working set of exactly zero: no running container has none, so the kubelet did not measure
     * it. metrics-server leaves such a pod out, and so does Pulse: an HPA averaging in a zero that
     * was never measured would scale down on it. (A cumulative CPU of zero is a real reading, of a
     * container that has not run yet, and is kept.)
     */
    ZERO_WORKING_SET,
    /** The CPU counter went down without the container restarting: no rate until the next scrape. */
    COUNTER_RESET,
    /** A container series without its namespace, pod or container label. */
    MISSING_LABELS;

    /** The value of the {@code cause} tag and the word in log lines. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static String pod(PodRef pod) {
    return "pod " + pod;
  }
}
