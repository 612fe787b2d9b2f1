package dev.pulse.metrics.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Pod as the aggregator's informer decodes it: metadata without managedFields, and the phase.
 * The parser skips spec and the rest of status, which {@link RunningPodStore} would drop at once,
 * instead of building fabric8's Pod, whose type graph and builders are hundreds of classes.
 */
@Group("")
@Version("v1")
@Kind("Pod")
@Plural("pods")
// KubernetesResource's own deserializer picks a class by kind and apiVersion, which list items lack.
@JsonDeserialize(using = JsonDeserializer.None.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class LeanPod implements HasMetadata, Namespaced {

  @JsonProperty
  private String apiVersion = "v1";
  // managedFields, usually the largest part of a pod's JSON, is skipped while parsing.
  @JsonProperty
  @JsonIgnoreProperties(value = "managedFields", ignoreUnknown = true)
  private ObjectMeta metadata;
  @JsonProperty
  private Status status;

  public LeanPod() {
  }

  public LeanPod(ObjectMeta metadata, String phase) {
    this.metadata = metadata;
    this.status = new Status(phase);
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Status(String phase) {}

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

  /** status.phase, or null when the pod has no status yet. */
  public String phase() {
    return status == null ? null : status.phase();
  }
}
