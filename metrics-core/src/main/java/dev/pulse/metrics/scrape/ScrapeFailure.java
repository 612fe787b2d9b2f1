package dev.pulse.metrics.scrape;

import java.util.Locale;

/**
 * Why one node's scrape failed. The coarse {@link Reason} is a metric label (kept few and stable);
 * the finer {@link Cause} is what the node summary reports, since each cause has its own fix; the
 * message is a log line.
 */
public final class ScrapeFailure extends Exception {

  /** Failure classes, the values of {@code pulse_kubelet_scrape_errors_total{reason}}. */
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
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What went wrong, fine enough to name the fix. The names are Kubernetes condition reasons,
   * which the operator shows as they are.
   */
  public enum Cause {
    UNKNOWN_AUTHORITY("KubeletCertificateUnknownAuthority", Reason.TLS),
    NAME_MISMATCH("KubeletCertificateNameMismatch", Reason.TLS),
    EXPIRED_CERTIFICATE("KubeletCertificateExpired", Reason.TLS),
    TLS("KubeletTLSFailed", Reason.TLS),
    UNAUTHORIZED("KubeletUnauthorized", Reason.HTTP_STATUS),
    FORBIDDEN("KubeletForbidden", Reason.HTTP_STATUS),
    HTTP_STATUS("KubeletHTTPError", Reason.HTTP_STATUS),
    CONNECTION_REFUSED("KubeletConnectionRefused", Reason.CONNECTION),
    NAME_NOT_RESOLVED("KubeletNameNotResolved", Reason.CONNECTION),
    CONNECTION("KubeletUnreachable", Reason.CONNECTION),
    TIMEOUT("KubeletTimeout", Reason.TIMEOUT),
    NO_ADDRESS("NoUsableAddress", Reason.NO_ENDPOINT),
    MALFORMED_RESPONSE("KubeletMalformedResponse", Reason.DECODE),
    RESPONSE_TOO_LARGE("KubeletResponseTooLarge", Reason.TOO_LARGE),
    /**
     * The kubelet answered, but not with the node's own CPU and working set (a working set of 0, a
     * value missing or unusable): the node stays out of the API, as with metrics-server, and
     * {@code kubectl top nodes} shows it as unknown. Not a scrape error: no error count.
     */
    NODE_USAGE_INCOMPLETE("NodeMetricsIncomplete", Reason.DECODE),
    /**
     * The node's Ready condition is not True: its kubelet stopped reporting to the API server, so
     * whatever the scrape ran into is a symptom.
     */
    NODE_NOT_READY("NodeNotReady", Reason.CONNECTION);

    private final String id;
    private final Reason reason;

    Cause(String id, Reason reason) {
      this.id = id;
      this.reason = reason;
    }

    /** The name in the node summary and the pipeline's status. */
    public String id() {
      return id;
    }

    public Reason reason() {
      return reason;
    }
  }

  private final Cause cause;

  public ScrapeFailure(Cause cause, String message) {
    super(message, null, false, false);
    this.cause = cause;
  }

  /** Not {@code getCause()}: this exception wraps nothing. */
  public Cause failureCause() {
    return cause;
  }

  public Reason reason() {
    return cause.reason();
  }

  /** The same failure, explained as a symptom of a node that is not Ready. */
  ScrapeFailure asNodeNotReady(String readyReason) {
    return new ScrapeFailure(Cause.NODE_NOT_READY, "the node is not Ready"
        + (readyReason == null || readyReason.isEmpty() ? "" : " (" + readyReason + ")") + "; the scrape failed with: "
        + getMessage());
  }
}
