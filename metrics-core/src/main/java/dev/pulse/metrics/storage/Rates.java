package dev.pulse.metrics.storage;

/** Usage from two points of the same counter; pure arithmetic, no state. */
final class Rates {

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private Rates() {}

  /**
   * The usage between {@code prev} and {@code last}, or {@code null} when the pair measures no
   * interval or the counter went backwards (a reset: there is no usage to derive from it).
   */
  static Usage between(Point prev, Point last) {
    long windowMillis = last.timestampMillis() - prev.timestampMillis();
    long cpuDelta = last.cpuNanos() - prev.cpuNanos();
    if (windowMillis <= 0 || cpuDelta < 0) {
      return null;
    }
    return new Usage(last.timestampMillis(), windowMillis, nanocores(cpuDelta, windowMillis), last.memoryBytes());
  }

  /**
   * Same floating-point path as metrics-server ({@code float64(delta) / window.Seconds()},
   * truncated), so both report the identical nanocore figure for the same two samples.
   */
  private static long nanocores(long cpuDelta, long windowMillis) {
    long windowNanos = windowMillis * NANOS_PER_MILLI;
    double seconds = (double) (windowNanos / 1_000_000_000L) + (double) (windowNanos % 1_000_000_000L) / 1e9;
    return (long) ((double) cpuDelta / seconds);
  }
}
