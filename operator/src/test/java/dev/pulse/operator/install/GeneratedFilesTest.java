package dev.pulse.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checked-in install manifests and bundle are what the code generates now: a change to the
 * API types, the RBAC rules, the Deployment or a sample fails the build until they are refreshed.
 */
class GeneratedFilesTest {

  static final Path REPOSITORY = Path.of("..");

  @Test
  void configIsCurrent() throws IOException {
    assertCurrent(InstallManifests.files(REPOSITORY), "make manifests");
  }

  @Test
  void helmChartIsCurrent() throws IOException {
    assertCurrent(HelmChart.files(REPOSITORY), "make manifests");
  }

  @Test
  void kustomizeLayoutIsCurrent() throws IOException {
    assertCurrent(KustomizeLayout.files(REPOSITORY), "make manifests");
  }

  @Test
  void bundleIsCurrent() throws IOException {
    assertCurrent(OlmBundle.files(REPOSITORY), "make bundle");
  }

  private static void assertCurrent(Map<Path, String> generated, String refresh) throws IOException {
    for (Map.Entry<Path, String> file : generated.entrySet()) {
      Path path = file.getKey();
      String name = REPOSITORY.relativize(path).toString();
      assertThat(path).as("%s is missing: run %s", name, refresh).exists();
      assertThat(Files.readString(path)).as("%s is stale: run %s", name, refresh).isEqualTo(file.getValue());
    }
  }
}
