package dev.pulse.metrics.api.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code window} field is {@code metav1.Duration}, which marshals Go's {@code time.Duration.String()};
 * duration flags are read as {@code time.ParseDuration} reads them. Expectations follow the Go
 * source (time/time.go {@code Duration.format}, {@code ParseDuration}), worked out by hand.
 */
class GoDurationsTest {

  /**
   * Go's rules: zero is "0s"; below one second the largest of ns/µs/ms that keeps a whole part
   * is used (with U+00B5 MICRO SIGN for µ), with the fraction's trailing zeros dropped; from
   * one second up the form is [h]h[m]m s.fraction s, and once a larger unit is printed every
   * smaller one is printed too, even when zero ("1m0s", "1h0m0s").
   */
  static Stream<Arguments> formats() {
    return Stream.of(
        arguments(Duration.ZERO, "0s"),
        arguments(Duration.ofNanos(1), "1ns"),
        arguments(Duration.ofNanos(1_500), "1.5\u00b5s"),
        arguments(Duration.ofNanos(1_500_000), "1.5ms"),
        arguments(Duration.ofMillis(999), "999ms"),
        arguments(Duration.ofSeconds(1), "1s"),
        // the windows metrics-server is documented to serve (metrics-server.md §2.3)
        arguments(Duration.ofMillis(15_953), "15.953s"),
        arguments(Duration.ofMillis(59_943), "59.943s"),
        arguments(Duration.ofSeconds(60), "1m0s"),
        arguments(Duration.ofMillis(90_500), "1m30.5s"),
        arguments(Duration.ofHours(1), "1h0m0s"),
        arguments(Duration.ofMillis(-1_500), "-1.5s"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("formats")
  void formatsLikeGoDurationString(Duration duration, String expected) {
    assertThat(GoDurations.format(duration)).isEqualTo(expected);
  }

  @Test
  void microsecondsUseTheMicroSignGoPrints() {
    // Go writes U+00B5 (MICRO SIGN), not U+03BC (GREEK SMALL LETTER MU); a client comparing
    // strings sees the difference.
    assertThat(GoDurations.format(Duration.ofNanos(1_500)).codePointAt(3)).isEqualTo(0x00B5);
  }

  static Stream<Arguments> parses() {
    return Stream.of(
        arguments("15s", Duration.ofSeconds(15)),
        arguments("1m30s", Duration.ofSeconds(90)),
        arguments("1.5h", Duration.ofMinutes(90)),
        arguments("500ms", Duration.ofMillis(500)),
        arguments("10us", Duration.ofNanos(10_000)),
        // Go's unit table accepts both the micro sign and the Greek mu
        arguments("10\u00b5s", Duration.ofNanos(10_000)),
        arguments("10\u03bcs", Duration.ofNanos(10_000)),
        arguments("2h45m", Duration.ofMinutes(165)),
        arguments(".5s", Duration.ofMillis(500)),
        arguments("-1.5s", Duration.ofMillis(-1_500)),
        // "0" is the one number Go accepts without a unit, with or without a sign
        arguments("0", Duration.ZERO),
        arguments("+0", Duration.ZERO),
        arguments("-0", Duration.ZERO));
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @MethodSource("parses")
  void parsesLikeGoParseDuration(String text, Duration expected) {
    assertThat(GoDurations.parse(text)).isEqualTo(expected);
  }

  @Test
  void formattedWindowsParseBack() {
    // What Pulse writes in "window" must read back to the same duration.
    for (Duration d : new Duration[] {Duration.ofMillis(15_953), Duration.ofMillis(90_500), Duration.ofHours(1)}) {
      assertThat(GoDurations.parse(GoDurations.format(d))).isEqualTo(d);
    }
  }

  /**
   * Go's messages are {@code time: invalid duration "<input>"}, {@code time: missing unit in
   * duration "<input>"} and {@code time: unknown unit "<unit>" in duration "<input>"}; a user
   * who mistyped a flag must see which value was wrong.
   */
  @Test
  void emptyInputIsInvalid() {
    assertThatThrownBy(() -> GoDurations.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("invalid duration \"\"");
  }

  @Test
  void aNumberWithoutUnitIsRejectedNamingTheInput() {
    assertThatThrownBy(() -> GoDurations.parse("5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("missing unit in duration \"5\"");
  }

  @Test
  void anUnknownUnitIsRejectedNamingUnitAndInput() {
    assertThatThrownBy(() -> GoDurations.parse("1x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("unknown unit \"x\" in duration \"1x\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "s", "-"})
  void textWithoutANumberIsInvalid(String text) {
    assertThatThrownBy(() -> GoDurations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("invalid duration \"" + text + "\"");
  }
}
