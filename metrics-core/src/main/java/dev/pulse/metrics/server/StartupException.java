package dev.pulse.metrics.server;

/** The aggregator cannot start; the message says why and what to change. */
public final class StartupException extends Exception {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
