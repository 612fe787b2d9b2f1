package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** How the pipeline claims the cluster's one APIService {@code v1beta1.metrics.k8s.io}. */
public final class ApiServicePolicy {

  @Default("Never")
  @JsonPropertyDescription("What to do when v1beta1.metrics.k8s.io exists and was not created by this"
      + " operator. Never (default): leave it and report its owner in the Ready condition. IfOrphaned:"
      + " replace it only when the Service it points at does not exist (left over from an uninstalled"
      + " metrics-server). Always: replace it; the other server keeps running until you remove it.")
  private ApiServiceTakeover takeover;

  public ApiServiceTakeover getTakeover() {
    return Objects.requireNonNullElse(takeover, ApiServiceTakeover.Never);
  }

  public void setTakeover(ApiServiceTakeover takeover) {
    this.takeover = takeover;
  }
}
