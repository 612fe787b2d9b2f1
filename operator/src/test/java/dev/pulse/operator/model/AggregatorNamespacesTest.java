package dev.pulse.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.api.reconciler.Constants;
import org.junit.jupiter.api.Test;

class AggregatorNamespacesTest {

  @Test
  void unsetOrEmptyMeansEveryNamespaceAsOlmsAllNamespacesModeWritesIt() {
    for (String value : new String[] {null, "", " "}) {
      AggregatorNamespaces namespaces = AggregatorNamespaces.parse(value);
      assertThat(namespaces.all()).isTrue();
      assertThat(namespaces.allows("kube-system")).isTrue();
      assertThat(namespaces.informerNamespaces()).containsExactly(Constants.WATCH_ALL_NAMESPACES);
    }
  }

  @Test
  void aListAllowsOnlyItsNamespaces() {
    AggregatorNamespaces namespaces = AggregatorNamespaces.parse("pulse-system, monitoring");
    assertThat(namespaces.allows("pulse-system")).isTrue();
    assertThat(namespaces.allows("monitoring")).isTrue();
    assertThat(namespaces.allows("kube-system")).isFalse();
    assertThat(namespaces.informerNamespaces()).containsExactly("monitoring", "pulse-system");
    assertThat(namespaces).hasToString("monitoring, pulse-system");
  }

  @Test
  void anEntryThatIsNotANamespaceNameIsNamed() {
    assertThatThrownBy(() -> AggregatorNamespaces.parse("pulse-system,,x"))
        .hasMessageContaining(AggregatorNamespaces.ENV).hasMessageContaining("\"\" is not a namespace name");
    assertThatThrownBy(() -> AggregatorNamespaces.parse("Pulse_System"))
        .hasMessageContaining("\"Pulse_System\" is not a namespace name");
  }
}
