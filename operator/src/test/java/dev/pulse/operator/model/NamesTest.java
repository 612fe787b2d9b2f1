package dev.pulse.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.testing.Pipelines;
import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void labelsNameTheAppTheInstanceTheManagerAndTheComponent() {
    assertThat(Names.labels(Pipelines.pipeline(), Component.CERTIFICATES)).containsExactly(
        entry("app.kubernetes.io/component", "certificates"),
        entry("app.kubernetes.io/instance", "cluster"),
        entry("app.kubernetes.io/managed-by", "pulse-operator"),
        entry("app.kubernetes.io/name", "pulse-metrics"));
  }

  @Test
  void theSelectorIsPartOfTheAggregatorsLabelsAndLeavesOutWhatCouldChange() {
    var selector = Names.selector(Pipelines.pipeline());
    assertThat(Names.labels(Pipelines.pipeline(), Component.AGGREGATOR)).containsAllEntriesOf(selector);
    assertThat(selector).doesNotContainKey(Names.MANAGED_BY_LABEL);
  }

  @Test
  void servingNamesAreTheServicesInClusterNames() {
    assertThat(Names.servingDnsNames("pulse-system"))
        .containsExactly("pulse-metrics.pulse-system.svc", "pulse-metrics.pulse-system.svc.cluster.local");
  }
}
