package dev.pulse.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulse.metrics.api.types.GoDurations;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesGoDurations() {
    assertThat(Durations.parse("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("8760h")).isEqualTo(Duration.ofDays(365));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("3us")).isEqualTo(Duration.ofNanos(3000));
  }

  /** The operator reads the spec's durations; the aggregator reads the same text from its flags. */
  @ParameterizedTest
  @ValueSource(strings = {"15s", "1m", "1h30m", "1.5s", "720h", "43800h", "10s", "2h45m30.5s", "999ms", "7ns"})
  void agreesWithTheAggregator(String text) {
    assertThat(Durations.parse(text)).isEqualTo(GoDurations.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "15sec", "-1s", "1d", "s", " 1s", "1s "})
  void rejectsWhatTheCrdRejects(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }

  @Test
  void rejectsOverflow() {
    assertThatThrownBy(() -> Durations.parse("9999999999h")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }
}
