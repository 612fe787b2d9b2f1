package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OLM bundle passes operator-sdk's own validation, with the optional operatorframework suite
 * (OperatorHub metadata, capabilities, categories, deprecated APIs, good practices), without an
 * error or a warning. operator-sdk is built from the Go module proxy into the cache on first use
 * ({@code e2e/bin/build-peers.sh --operator-sdk}); no cluster is involved.
 */
class BundleValidationE2E {

  static final Path REPO = Tools.REPO;
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theBundlePassesTheOperatorFrameworkSuite() throws IOException, InterruptedException {
    Path operatorSdk = Tools.operatorSdk();
    List<String> command = List.of(operatorSdk.toString(), "bundle", "validate", "./bundle",
        "--select-optional", "suite=operatorframework", "--output", "json-alpha1");
    Process validate = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(false).start();
    validate.getOutputStream().close();
    String stdout = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(validate.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(validate.waitFor(5, TimeUnit.MINUTES)).as("operator-sdk bundle validate finished").isTrue();
    System.out.println(String.join(" ", command) + "\n" + stdout + stderr);

    assertThat(validate.exitValue()).as("exit code of operator-sdk (its output is above)").isZero();
    JsonNode report = JSON.readTree(stdout);
    List<String> findings = new ArrayList<>();
    report.path("outputs").forEach(output -> findings.add(output.path("type").asText() + ": "
        + output.path("message").asText()));
    assertThat(findings).as("operator-sdk's errors and warnings about ./bundle").isEmpty();
    assertThat(report.path("passed").asBoolean()).as("operator-sdk's verdict: %s", stdout).isTrue();
  }
}
