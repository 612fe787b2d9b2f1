package dev.pulse.metrics.testing;

import java.time.Duration;

/**
 * Polling with a deadline: for what a scrape loop makes true at some point, never by sleeping a
 * guess; and its opposite, for what must stay true while time passes.
 */
public final class Eventually {

  /** An assertion that may also throw checked exceptions (an HTTP call, say). */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  private static final long POLL_MILLIS = 50;

  private Eventually() {}

  /**
   * Runs {@code check} until it passes; past {@code timeout} its last failure is rethrown,
   * wrapped in an {@link AssertionError} that says how long it was tried.
   */
  public static void eventually(Duration timeout, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (Exception | AssertionError e) {
        if (System.nanoTime() - deadline >= 0) {
          throw new AssertionError("still failing after " + timeout.toMillis() + "ms: " + e.getMessage(), e);
        }
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting", e);
      }
    }
  }

  /** Runs {@code check} over and over for {@code period}; its first failure fails at once. */
  public static void continually(Duration period, Check check) throws Exception {
    long end = System.nanoTime() + period.toNanos();
    do {
      check.run();
      Thread.sleep(POLL_MILLIS / 5);
    } while (System.nanoTime() - end < 0);
  }
}
