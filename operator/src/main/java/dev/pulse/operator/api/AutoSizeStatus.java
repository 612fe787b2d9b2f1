package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Objects;

/** What spec.autoSize decided, and the count a pending change waits on. */
public final class AutoSizeStatus {

  @JsonPropertyDescription("The node count the applied resources were computed for; absent until the aggregator"
      + " has reported its nodes once.")
  private Integer nodes;

  @JsonPropertyDescription("The aggregator container's resources computed for nodes; absent while spec.resources"
      + " wins or before the first count.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("A node count outside the tolerance, waiting to hold for a minute before the"
      + " resources follow it.")
  private Integer pendingNodes;

  @JsonPropertyDescription("Since when (RFC 3339) the node count has been outside the tolerance.")
  private String pendingSince;

  @JsonPropertyDescription("What was applied and why, in a sentence.")
  private String message;

  public Integer getNodes() {
    return nodes;
  }

  public void setNodes(Integer nodes) {
    this.nodes = nodes;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Integer getPendingNodes() {
    return pendingNodes;
  }

  public void setPendingNodes(Integer pendingNodes) {
    this.pendingNodes = pendingNodes;
  }

  public String getPendingSince() {
    return pendingSince;
  }

  public void setPendingSince(String pendingSince) {
    this.pendingSince = pendingSince;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AutoSizeStatus other && Objects.equals(nodes, other.nodes)
        && Objects.equals(resources, other.resources) && Objects.equals(pendingNodes, other.pendingNodes)
        && Objects.equals(pendingSince, other.pendingSince) && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodes, resources, pendingNodes, pendingSince, message);
  }
}
