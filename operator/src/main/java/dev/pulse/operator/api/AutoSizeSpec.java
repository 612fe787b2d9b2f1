package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/**
 * Resources that follow the fleet, as addon-resizer does for metrics-server: base + perNode × the
 * nodes the pipeline scrapes. The defaults are the slope {@code make bench} measured.
 */
public final class AutoSizeSpec {

  static final int DEFAULT_TOLERANCE_PERCENT = 10;

  @Default("false")
  @JsonPropertyDescription("Size the aggregator container from the number of nodes it scrapes"
      + " (status.nodes.selected): requests and memory limit = base + perNode × nodes. spec.resources, when"
      + " set, wins and this is not applied (status.autoSize says so). Default: false.")
  private Boolean enabled;

  @Default("{}")
  @JsonPropertyDescription("What the aggregator needs before any node (the intercept of the measured line).")
  private AutoSizeBase base = new AutoSizeBase();

  @Default("{}")
  @JsonPropertyDescription("What each scraped node adds (the measured slope). With the defaults, 1,000 nodes"
      + " give requests cpu 100m, memory 400Mi and a memory limit of 514Mi.")
  private AutoSizePerNode perNode = new AutoSizePerNode();

  @Default("" + DEFAULT_TOLERANCE_PERCENT)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Hysteresis: the size changes only when the node count has moved more than this"
      + " percentage (and at least 10 nodes) away from the count it was computed for, and stayed so for a"
      + " minute; so a scaling node group does not roll the aggregator at every step. Default: "
      + DEFAULT_TOLERANCE_PERCENT + ".")
  private Integer tolerancePercent;

  public Boolean getEnabled() {
    return Objects.requireNonNullElse(enabled, false);
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public AutoSizeBase getBase() {
    return base;
  }

  public void setBase(AutoSizeBase base) {
    this.base = base != null ? base : new AutoSizeBase();
  }

  public AutoSizePerNode getPerNode() {
    return perNode;
  }

  public void setPerNode(AutoSizePerNode perNode) {
    this.perNode = perNode != null ? perNode : new AutoSizePerNode();
  }

  public Integer getTolerancePercent() {
    return Objects.requireNonNullElse(tolerancePercent, DEFAULT_TOLERANCE_PERCENT);
  }

  public void setTolerancePercent(Integer tolerancePercent) {
    this.tolerancePercent = tolerancePercent;
  }
}
