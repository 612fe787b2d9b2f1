package dev.pulse.metrics.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * A Node as the aggregator's informer decodes it: metadata without managedFields, and of the
 * status only what reaching a kubelet and explaining its failure need. The parser skips the rest
 * (images, capacity, nodeInfo, volumes) instead of building fabric8's Node, whose type graph and
 * builders cost hundreds of classes for fields nobody reads.
 */
@Group("")
@Version("v1")
@Kind("Node")
@Plural("nodes")
// KubernetesResource's own deserializer picks a class by kind and apiVersion, which list items lack.
@JsonDeserialize(using = JsonDeserializer.None.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class LeanNode implements HasMetadata {

  @JsonProperty
  private String apiVersion = "v1";
  // managedFields, the largest part of a Node's metadata, is skipped while parsing.
  @JsonProperty
  @JsonIgnoreProperties(value = "managedFields", ignoreUnknown = true)
  private ObjectMeta metadata;
  @JsonProperty
  private Status status;

  public LeanNode() {
  }

  public LeanNode(ObjectMeta metadata, Status status) {
    this.metadata = metadata;
    this.status = status;
  }

  /** status: every list empty and no kubelet endpoint when the API server sent none. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(List<Address> addresses, DaemonEndpoints daemonEndpoints, List<Condition> conditions) {
    public Status {
      addresses = addresses == null ? List.of() : List.copyOf(addresses);
      daemonEndpoints = daemonEndpoints == null ? new DaemonEndpoints(null) : daemonEndpoints;
      conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Address(String type, String address) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DaemonEndpoints(Endpoint kubeletEndpoint) {}

  /** A daemon's endpoint; the API writes its one field capitalised. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Endpoint(@JsonProperty("Port") Integer port) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Condition(String type, String status, String reason) {}

  @Override
  public ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public void setMetadata(ObjectMeta metadata) {
    this.metadata = metadata;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  /** Never null: a Node without status reads as one with every list empty. */
  public Status getStatus() {
    return status == null ? new Status(null, null, null) : status;
  }
}
