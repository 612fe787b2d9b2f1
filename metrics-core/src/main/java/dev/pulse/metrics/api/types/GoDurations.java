package dev.pulse.metrics.api.types;

import java.time.Duration;

/**
 * Go's {@code time.Duration} text form: the {@code window} field and every duration flag use it,
 * as in metrics-server ({@code "15.953s"}, {@code "1m0s"}, {@code "500ms"}).
 */
public final class GoDurations {

  private GoDurations() {}

  /** {@code time.Duration.String()}. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    boolean negative = nanos < 0;
    long u = Math.abs(nanos);
    StringBuilder out = new StringBuilder();
    if (u < 1_000_000_000L) {
      String unit;
      int precision;
      if (u < 1_000L) {
        return (negative ? "-" : "") + u + "ns";
      } else if (u < 1_000_000L) {
        unit = "µs";
        precision = 3;
      } else {
        unit = "ms";
        precision = 6;
      }
      out.append(fraction(u, precision)).append(unit);
    } else {
      long seconds = u / 1_000_000_000L;
      String secondsText = fraction(u % 1_000_000_000L + (seconds % 60) * 1_000_000_000L, 9);
      out.append(secondsText).append('s');
      long minutes = seconds / 60;
      if (minutes > 0) {
        out.insert(0, (minutes % 60) + "m");
        long hours = minutes / 60;
        if (hours > 0) {
          out.insert(0, hours + "h");
        }
      }
    }
    return negative ? "-" + out : out.toString();
  }

  /** {@code value / 10^precision} with trailing fractional zeros (and a bare dot) removed. */
  private static String fraction(long value, int precision) {
    long divisor = (long) Math.pow(10, precision);
    long whole = value / divisor;
    long frac = value % divisor;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String digits = String.format("%0" + precision + "d", frac).replaceAll("0+$", "");
    return whole + "." + digits;
  }

  /**
   * {@code time.ParseDuration}: a sequence of decimal numbers with units ns, us, µs, ms, s, m, h,
   * e.g. {@code "15s"}, {@code "1m30s"}, {@code "1.5h"}.
   */
  public static Duration parse(String text) {
    String s = text.trim();
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    // As in Go, checked after the sign: "-0" is zero, and a lone sign is no duration.
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\"");
    }
    double total = 0;
    int i = 0;
    while (i < s.length()) {
      int numberStart = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String number = s.substring(numberStart, unitStart);
      String unit = s.substring(unitStart, i);
      if (number.isEmpty() || number.equals(".")) {
        throw new IllegalArgumentException("invalid duration \"" + text + "\"");
      }
      if (unit.isEmpty()) {
        throw new IllegalArgumentException("missing unit in duration \"" + text + "\"");
      }
      total += Double.parseDouble(number) * unitNanos(unit, text);
    }
    long nanos = Math.round(total);
    return Duration.ofNanos(negative ? -nanos : nanos);
  }

  private static double unitNanos(String unit, String text) {
    return switch (unit) {
      case "ns" -> 1;
      case "us", "µs", "μs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      case "h" -> 3600e9;
      default -> throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + text + "\"");
    };
  }
}
