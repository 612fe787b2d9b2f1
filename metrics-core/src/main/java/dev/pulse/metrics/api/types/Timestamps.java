package dev.pulse.metrics.api.types;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** {@code metav1.Time}'s text form: RFC 3339 in whole seconds, as Go's JSON (and so YAML) writes it. */
public final class Timestamps {

  /** A text and the second it shows. */
  private record Formatted(long epochSeconds, String text) {}

  /**
   * The last few seconds formatted, by second modulo their number: a list's items share the
   * response's creationTimestamp and a few scrape timestamps, so a list of every pod formats a
   * handful of them instead of two per pod. Entries are immutable, so threads share them safely.
   */
  private static final AtomicReferenceArray<Formatted> RECENT = new AtomicReferenceArray<>(8);

  private Timestamps() {}

  /** As ISO_INSTANT prints whole seconds. */
  public static String rfc3339(long epochSeconds) {
    int slot = (int) Math.floorMod(epochSeconds, (long) RECENT.length());
    Formatted recent = RECENT.get(slot);
    if (recent != null && recent.epochSeconds() == epochSeconds) {
      return recent.text();
    }
    String text = format(epochSeconds);
    RECENT.set(slot, new Formatted(epochSeconds, text));
    return text;
  }

  /** Written by hand for years 0 to 9999: ISO_INSTANT is slow, and a list of every pod needs many. */
  private static String format(long epochSeconds) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSeconds));
    }
    char[] c = "0000-00-00T00:00:00Z".toCharArray();
    digits(c, 0, 4, t.getYear());
    digits(c, 5, 2, t.getMonthValue());
    digits(c, 8, 2, t.getDayOfMonth());
    digits(c, 11, 2, t.getHour());
    digits(c, 14, 2, t.getMinute());
    digits(c, 17, 2, t.getSecond());
    return new String(c);
  }

  private static void digits(char[] out, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--, value /= 10) {
      out[i] = (char) ('0' + value % 10);
    }
  }
}
