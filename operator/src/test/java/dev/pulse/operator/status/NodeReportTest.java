package dev.pulse.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.scrape.NodeHealth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aggregator's node summary, as metrics-core writes it, is what the operator reads. */
class NodeReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsTheSummaryTheAggregatorWritesAndIgnoresTheCycleTime() throws Exception {
    NodeHealth.Failing failing = new NodeHealth.Failing("node-1", "KubeletForbidden", "403", "2026-03-01T11:00:00Z");
    String written = JSON.writeValueAsString(new NodeHealth("2026-03-01T12:00:00Z", 3, 2, 1,
        Map.of("KubeletForbidden", 1), List.of(failing)));
    String nextCycle = written.replace("2026-03-01T12:00:00Z", "2026-03-01T12:00:15Z");

    NodeReport.Scrapes read = JSON.readValue(written, NodeReport.Scrapes.class);

    assertThat(read).isEqualTo(new NodeReport.Scrapes(3, 2, 1, Map.of("KubeletForbidden", 1),
        List.of(new NodeReport.Failing("node-1", "KubeletForbidden", "403", "2026-03-01T11:00:00Z"))));
    assertThat(JSON.readValue(nextCycle, NodeReport.Scrapes.class)).as("no reconcile for a new cycle alone")
        .isEqualTo(read);
  }
}
