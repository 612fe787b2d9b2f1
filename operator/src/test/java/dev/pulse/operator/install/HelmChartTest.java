package dev.pulse.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How the chart's templates are made from install.yaml's objects; helm renders them in HelmChartE2E. */
class HelmChartTest {

  @Test
  void aPlaceholderBecomesTheExpressionOfItsValue() {
    assertThat(HelmChart.expressions("""
        metadata:
          namespace: "@@operatorNamespace@@"
        spec:
          replicas: "@@replicas@@"
          containers:
          - image: "@@image@@"
            resources: "@@resources@@"
            name: "operator"
        """)).isEqualTo("""
        metadata:
          namespace: {{ $.Values.operatorNamespace | quote }}
        spec:
          replicas: {{ $.Values.replicas }}
          containers:
          - image: {{ printf "%s:%s" $.Values.image.repository $.Values.image.tag | quote }}
            resources:
              {{- toYaml $.Values.resources | nindent 6 }}
            name: "operator"
        """);
  }

  @Test
  void aPlaceholderWithoutAValueFailsTheGenerator() {
    assertThatThrownBy(() -> HelmChart.expressions("name: \"@@nothing@@\"\n"))
        .hasMessageContaining("no value for placeholder nothing");
  }

  @Test
  void everyPlaceholderOfTheChartIsReplaced() throws IOException {
    assertThat(HelmChart.files(Path.of(".."))).allSatisfy((path, content) ->
        assertThat(content).as("%s", path).doesNotContain("@@"));
  }
}
