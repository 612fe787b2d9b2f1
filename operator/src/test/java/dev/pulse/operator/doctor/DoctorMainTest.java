package dev.pulse.operator.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorMainTest {

  @Test
  void aContextTheKubeconfigLacksIsAUsageErrorAsInKubectl(@TempDir Path dir) throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: u, user: {}}]
        contexts: [{name: here, context: {cluster: c, user: u}}]
        current-context: here
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      int exit = DoctorMain.run(new String[] {"doctor", "--kubeconfig", kubeconfig.toString(), "--context", "there"},
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(exit).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("context there is not in the kubeconfig");
      assertThat(out.size()).isZero();
    } finally {
      System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    }
  }

  @Test
  void helpAndUsageErrorsExitWithoutACluster() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(DoctorMain.run(new String[] {"--help"}, o, e)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: kubectl pulse doctor");
    assertThat(DoctorMain.run(new String[] {"doctor", "--output"}, o, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--output needs a value");
  }

  @Test
  void theCommandLineTakesKubectlsFlags() {
    DoctorMain.Options options = DoctorMain.parse(new String[] {"doctor", "-o", "json", "--kubeconfig=/tmp/kc",
        "--context", "other", "--as=viewer", "--as-group", "team"});
    assertThat(options.json()).isTrue();
    assertThat(options.kubeconfig()).contains("/tmp/kc");
    assertThat(options.context()).contains("other");
    assertThat(options.as()).contains("viewer");
    assertThat(options.asGroups()).containsExactly("team");
    assertThat(DoctorMain.parse(new String[] {"doctor", "-ojson"}).json()).isTrue();
    assertThat(DoctorMain.parse(new String[] {"doctor"}).json()).isFalse();
    assertThat(DoctorMain.parse(new String[] {"--help"})).as("help").isNull();
    assertThatThrownBy(() -> DoctorMain.parse(new String[] {"cure"})).hasMessageContaining("doctor");
    assertThatThrownBy(() -> DoctorMain.parse(new String[] {"doctor", "-o", "yaml"})).hasMessageContaining("json");
    assertThatThrownBy(() -> DoctorMain.parse(new String[] {"doctor", "--token=x"}))
        .hasMessageContaining("unknown flag --token");
  }
}
