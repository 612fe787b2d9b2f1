package dev.pulse.metrics.scrape;

/** Why one node's scrape failed; the reason is a metric label, the message a log line. */
public final class ScrapeFailure extends Exception {

  /** Failure classes, each with its own fix. */
  public enum Reason {
    /** The node names no usable address or path. */
    NO_ENDPOINT,
    /** No TCP connection: kubelet down, firewall, wrong port or address type. */
    CONNECTION,
    /** TLS failed: untrusted or mismatched kubelet serving certificate. */
    TLS,
    /** No complete answer within --kubelet-request-timeout. */
    TIMEOUT,
    /** The kubelet answered with a non-200 status (403: missing nodes/metrics RBAC). */
    HTTP_STATUS,
    /** The answer exceeded --kubelet-max-response-bytes. */
    TOO_LARGE,
    /** The answer was not the Prometheus text format. */
    DECODE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public ScrapeFailure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
