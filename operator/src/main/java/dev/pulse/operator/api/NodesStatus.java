package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The aggregator's kubelet scrapes in a few numbers: a summary, whatever the size of the cluster. */
public final class NodesStatus {

  @JsonPropertyDescription("Nodes the pipeline scrapes: those spec.nodeSelectorForScraping selects.")
  private Integer selected;

  @JsonPropertyDescription("Nodes scraped successfully in the aggregator's last complete scrape cycle.")
  private Integer scraped;

  @JsonPropertyDescription("\"scraped/selected\", as the NODES column shows it.")
  private String summary;

  @JsonPropertyDescription("Nodes whose latest scrape failed; more than the entries of failing when it"
      + " exceeds 10.")
  private Integer failingCount;

  @JsonPropertyDescription("Up to 10 failing nodes, failing longest first: why, and since when for that cause.")
  private List<FailingNode> failing = new ArrayList<>();

  public Integer getSelected() {
    return selected;
  }

  public void setSelected(Integer selected) {
    this.selected = selected;
  }

  public Integer getScraped() {
    return scraped;
  }

  public void setScraped(Integer scraped) {
    this.scraped = scraped;
  }

  public String getSummary() {
    return summary;
  }

  public void setSummary(String summary) {
    this.summary = summary;
  }

  public Integer getFailingCount() {
    return failingCount;
  }

  public void setFailingCount(Integer failingCount) {
    this.failingCount = failingCount;
  }

  public List<FailingNode> getFailing() {
    return failing;
  }

  public void setFailing(List<FailingNode> failing) {
    this.failing = failing;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodesStatus other
        && Objects.equals(selected, other.selected)
        && Objects.equals(scraped, other.scraped)
        && Objects.equals(summary, other.summary)
        && Objects.equals(failingCount, other.failingCount)
        && Objects.equals(failing, other.failing);
  }

  @Override
  public int hashCode() {
    return Objects.hash(selected, scraped, summary, failingCount, failing);
  }
}
