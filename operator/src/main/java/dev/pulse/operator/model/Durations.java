package dev.pulse.operator.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go duration text ({@code 15s}, {@code 1h30m}, {@code 1.5s}), the form of every duration in the
 * spec: it is what the aggregator's flags and CEL's {@code duration()} accept.
 */
public final class Durations {

  /** The CRD's pattern; CEL's {@code duration()} parses every string it admits. */
  public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$";

  private static final Pattern WHOLE = Pattern.compile(PATTERN);
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s|m|h)");

  private Durations() {}

  /** @throws IllegalArgumentException when {@code text} does not match {@link #PATTERN} or overflows */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("not a duration such as 15s or 1h30m: " + text);
    }
    Matcher part = PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    while (part.find()) {
      long unit = switch (part.group(2)) {
        case "ns" -> 1L;
        case "us" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
    }
    try {
      return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration out of range (about 292 years at most): " + text, e);
    }
  }
}
