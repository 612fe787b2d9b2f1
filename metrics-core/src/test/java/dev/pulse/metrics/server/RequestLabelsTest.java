package dev.pulse.metrics.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestLabelsTest {

  @Test
  void kubernetesVerbsAreTheirOwnLabel() {
    for (String verb : new String[] {"get", "list", "watch", "create", "update", "patch", "delete"}) {
      assertThat(RequestLabels.verb(verb)).isEqualTo(verb);
    }
  }

  @Test
  void anyOtherMethodSharesOneLabel() {
    Set<String> labels = IntStream.range(0, 500).mapToObj(i -> "made-up-" + i).map(RequestLabels::verb)
        .collect(Collectors.toSet());
    labels.add(RequestLabels.verb("options"));
    labels.add(RequestLabels.verb("trace"));
    labels.add(RequestLabels.verb("GET".toLowerCase(Locale.ROOT) + " "));
    labels.add(RequestLabels.verb(""));

    assertThat(labels).containsExactly("other");
  }
}
