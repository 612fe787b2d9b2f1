package dev.pulse.metrics.api.selector;

/**
 * A label or field selector that cannot be parsed. The message is the exact text the Kubernetes API
 * server would report for the same input, so it can be passed to clients unchanged.
 */
public final class SelectorException extends Exception {

  public SelectorException(String message) {
    super(message);
  }
}
