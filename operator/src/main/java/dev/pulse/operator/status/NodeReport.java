package dev.pulse.operator.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What the operator last read of the aggregator's node summary ({@code GET /pulse/v1/nodes}): the
 * scrape results, or why it could not read them. Compared by value, so a poll that reads the same
 * as the last one triggers no reconcile.
 */
public sealed interface NodeReport {

  /**
   * The aggregator's summary as of its last complete scrape cycle. The cycle's time is left out
   * (ignored when read): it changes every cycle, and each change would be a reconcile.
   *
   * @param causes failing nodes per cause, the cause being a condition reason such as
   *     {@code KubeletCertificateNameMismatch}
   * @param failing up to ten failing nodes, failing longest first
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Scrapes(int selected, int scraped, int failingCount, Map<String, Integer> causes, List<Failing> failing)
      implements NodeReport {

    public Scrapes {
      causes = causes == null ? Map.of() : Map.copyOf(causes);
      failing = failing == null ? List.of() : List.copyOf(failing);
    }
  }

  /** One failing node, as the aggregator reports it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Failing(String name, String reason, String message, String since) {}

  /** The summary could not be read: {@code why} says what was tried and what came back. */
  record Unreadable(String why) implements NodeReport {}
}
