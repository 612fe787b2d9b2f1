package dev.pulse.metrics.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.testing.MetricsServerCapture;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /version}: the shape of metrics-server's answer, with Pulse's values. */
class VersionInfoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static LinkedHashMap<String, String> metricsServers() throws IOException {
    return JSON.readValue(MetricsServerCapture.body("version.json"), new TypeReference<>() {});
  }

  @Test
  void hasGoFieldsInGoOrderWithPulsesValues() throws IOException {
    Map<String, String> info = VersionInfo.of("0.1.0-SNAPSHOT", "17.0.9+9", "OpenJDK 64-Bit Server VM", "Linux", "amd64");

    // metrics-server's, less the Kubernetes emulation fields (omitempty in Go; Pulse emulates none).
    List<String> goOrder = metricsServers().keySet().stream()
        .filter(k -> !k.startsWith("emulation") && !k.startsWith("minCompatibility")).toList();
    assertThat(info.keySet()).containsExactlyElementsOf(goOrder);
    assertThat(info).containsEntry("major", "0").containsEntry("minor", "1")
        .containsEntry("gitVersion", "v0.1.0-SNAPSHOT")
        .containsEntry("gitCommit", "").containsEntry("gitTreeState", "").containsEntry("buildDate", "")
        .containsEntry("goVersion", "java17.0.9+9").containsEntry("compiler", "OpenJDK 64-Bit Server VM")
        .containsEntry("platform", "linux/amd64");
  }

  @Test
  void namesArchitecturesAsGoDoes() {
    assertThat(VersionInfo.of("1.2.3", "21", "vm", "Linux", "aarch64")).containsEntry("platform", "linux/arm64")
        .containsEntry("major", "1").containsEntry("minor", "2").containsEntry("gitVersion", "v1.2.3");
    assertThat(VersionInfo.of("1.2.3", "21", "vm", "Linux", "x86_64")).containsEntry("platform", "linux/amd64");
  }

  /** Written as the API server writes raw JSON: Go's MarshalIndent, byte for byte. */
  @Test
  void isIndentedAsGoIndents() throws IOException {
    assertThat(new String(IndentedJson.write(metricsServers())))
        .isEqualTo(MetricsServerCapture.text("version.json"));
  }
}
