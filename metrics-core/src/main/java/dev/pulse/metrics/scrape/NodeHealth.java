package dev.pulse.metrics.scrape;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scrape loop's view of the nodes after its last complete cycle: counts, each cause with how
 * many nodes it holds, and the nodes failing longest. A summary, so its size does not grow with
 * the cluster: this is what the operator reads into the MetricsPipeline's status.
 *
 * @param cycleCompletedAt when the last complete cycle ended (RFC 3339), null before the first
 * @param selected nodes the node selector picked in that cycle
 * @param scraped nodes whose scrape succeeded in that cycle
 * @param failingCount nodes whose latest scrape failed
 * @param causes failing nodes per {@link ScrapeFailure.Cause#id()}, sorted by name
 * @param failing up to {@link #LISTED} of them, failing longest first
 */
public record NodeHealth(String cycleCompletedAt, int selected, int scraped, int failingCount,
    Map<String, Integer> causes, List<Failing> failing) {

  /** Enough to act on; the count and {@code causes} say how many more there are. */
  public static final int LISTED = 10;
  /**
   * A message quotes what the kubelet sent (a line that failed to decode, an error page): bounded,
   * since the operator copies it into the pipeline's status.
   */
  static final int MESSAGE_CHARS = 512;

  /** One failing node: why its latest scrape failed, and since when it has failed for that cause. */
  public record Failing(String name, String reason, String message, String since) {}

  /** A node's current failure, as the scrape loop keeps it. */
  record Failure(ScrapeFailure.Cause cause, String message, long sinceMillis) {}

  static final NodeHealth NONE = new NodeHealth(null, 0, 0, 0, Map.of(), List.of());

  static NodeHealth of(long completedAtMillis, int selected, int scraped, Map<String, Failure> failures) {
    Map<String, Integer> causes = new TreeMap<>();
    failures.values().forEach(f -> causes.merge(f.cause().id(), 1, Integer::sum));
    List<Failing> oldest = failures.entrySet().stream()
        .sorted(Comparator.comparingLong((Map.Entry<String, Failure> e) -> e.getValue().sinceMillis())
            .thenComparing(Map.Entry::getKey))
        .limit(LISTED)
        .map(e -> new Failing(e.getKey(), e.getValue().cause().id(), bounded(e.getValue().message()),
            rfc3339(e.getValue().sinceMillis())))
        .toList();
    return new NodeHealth(rfc3339(completedAtMillis), selected, scraped, failures.size(), causes, oldest);
  }

  private static String bounded(String message) {
    return message.length() <= MESSAGE_CHARS ? message : message.substring(0, MESSAGE_CHARS - 1) + "…";
  }

  private static String rfc3339(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
