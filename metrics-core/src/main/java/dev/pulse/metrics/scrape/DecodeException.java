package dev.pulse.metrics.scrape;

/** A kubelet response that is not valid Prometheus text exposition format. */
public final class DecodeException extends Exception {

  private static final long serialVersionUID = 1L;

  public DecodeException(String message) {
    super(message);
  }
}
