package dev.pulse.metrics.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AggregatorOptionsTest {

  private static AggregatorOptions parse(String... args) {
    AggregatorOptions options = new AggregatorOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void clientLimitsDefaultToKubeApiserversAndGoServersValues() {
    AggregatorOptions options = parse();

    assertThat(options.validate()).isEmpty();
    assertThat(options.maxRequestsInflight).isEqualTo(400);
    assertThat(options.requestTimeout).isEqualTo(Duration.ofMinutes(1));
    assertThat(options.maxConnections).isEqualTo(1000);
    assertThat(options.idleConnectionTimeout).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.headerReadTimeout).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void clientLimitsTakeGoDurationsAndRefuseZero() {
    assertThat(parse("--request-timeout=1m30s", "--idle-connection-timeout=500ms").requestTimeout)
        .isEqualTo(Duration.ofSeconds(90));

    assertThat(parse("--max-requests-inflight=0", "--max-connections=0", "--request-timeout=0s",
        "--idle-connection-timeout=0s", "--header-read-timeout=0s").validate()).containsExactly(
        "--max-requests-inflight must be at least 1, got 0",
        "--max-connections must be at least 1, got 0",
        "--request-timeout must be at least 1ms, got 0s",
        "--idle-connection-timeout must be at least 1ms, got 0s",
        "--header-read-timeout must be at least 1ms, got 0s");
  }
}
