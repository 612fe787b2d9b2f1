package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The command-line tools the tests run besides kubectl (operator-sdk, helm), built from the Go
 * module proxy into the cache on first use by {@code e2e/bin/build-peers.sh}. A failed build fails
 * the test with the script's output; it never skips.
 */
final class Tools {

  static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  private Tools() {}

  static Path operatorSdk() throws IOException, InterruptedException {
    return build("operator-sdk");
  }

  static Path helm() throws IOException, InterruptedException {
    return build("helm");
  }

  /** {@code build-peers.sh --<tool>}, unless the cache has it, then its path from {@code --print-<tool>}. */
  private static Path build(String tool) throws IOException, InterruptedException {
    Path script = REPO.resolve("e2e/bin/build-peers.sh");
    Process build = new ProcessBuilder(script.toString(), "--" + tool).directory(REPO.toFile())
        .redirectErrorStream(true).start();
    build.getOutputStream().close();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(build.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        System.out.println(line);
      }
    }
    assertThat(build.waitFor(40, TimeUnit.MINUTES)).as("e2e/bin/build-peers.sh --%s finished", tool).isTrue();
    assertThat(build.exitValue()).as("e2e/bin/build-peers.sh --%s (its output is above)", tool).isZero();

    Process print = new ProcessBuilder(script.toString(), "--print-" + tool).directory(REPO.toFile()).start();
    print.getOutputStream().close();
    Path binary = Path.of(new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    assertThat(print.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(Files.isExecutable(binary)).as("%s is executable", binary).isTrue();
    return binary;
  }
}
