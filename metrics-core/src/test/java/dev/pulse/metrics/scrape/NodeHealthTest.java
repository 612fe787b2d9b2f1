package dev.pulse.metrics.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeHealthTest {

  @Test
  void listsTheTenNodesFailingLongestAndCountsEveryCause() {
    Map<String, NodeHealth.Failure> failures = new HashMap<>();
    for (int i = 0; i < 25; i++) {
      ScrapeFailure.Cause cause = i % 5 == 0 ? ScrapeFailure.Cause.TIMEOUT : ScrapeFailure.Cause.UNKNOWN_AUTHORITY;
      // Node n-24 fails longest, n-0 most recently.
      failures.put("n-" + i, new NodeHealth.Failure(cause, "m" + i, 1_700_000_000_000L - i * 1000L));
    }

    NodeHealth health = NodeHealth.of(1_700_000_100_000L, 5000, 4975, failures);

    assertThat(health.cycleCompletedAt()).isEqualTo("2023-11-14T22:15:00Z");
    assertThat(health.failingCount()).isEqualTo(25);
    assertThat(health.causes()).containsExactly(Map.entry("KubeletCertificateUnknownAuthority", 20),
        Map.entry("KubeletTimeout", 5));
    assertThat(health.failing()).hasSize(NodeHealth.LISTED).extracting(NodeHealth.Failing::name)
        .containsExactly("n-24", "n-23", "n-22", "n-21", "n-20", "n-19", "n-18", "n-17", "n-16", "n-15");
    assertThat(health.failing().get(0).since()).isEqualTo("2023-11-14T22:12:56Z");
  }

  @Test
  void boundsWhatAKubeletSentInAMessage() {
    String garbage = "x".repeat(10_000);
    NodeHealth health = NodeHealth.of(0, 1, 0, Map.of("n", new NodeHealth.Failure(ScrapeFailure.Cause.MALFORMED_RESPONSE,
        "line 1: invalid metric name: " + garbage, 0)));

    assertThat(health.failing().get(0).message()).hasSize(NodeHealth.MESSAGE_CHARS).endsWith("x…");
  }
}
