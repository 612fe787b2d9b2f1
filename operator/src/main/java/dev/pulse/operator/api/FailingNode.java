package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One node the aggregator cannot scrape. */
public final class FailingNode {

  @JsonPropertyDescription("The node's name.")
  private String name;

  @JsonPropertyDescription("The cause, one of the reasons of the NodesScraped condition"
      + " (e.g. KubeletCertificateNameMismatch, KubeletForbidden, KubeletConnectionRefused).")
  private String reason;

  @JsonPropertyDescription("What the aggregator ran into, as it logged it.")
  private String message;

  @JsonPropertyDescription("When the node started failing for this reason (RFC 3339).")
  private String since;

  public FailingNode() {}

  public FailingNode(String name, String reason, String message, String since) {
    this.name = name;
    this.reason = reason;
    this.message = message;
    this.since = since;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FailingNode other
        && Objects.equals(name, other.name)
        && Objects.equals(reason, other.reason)
        && Objects.equals(message, other.message)
        && Objects.equals(since, other.since);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, reason, message, since);
  }
}
