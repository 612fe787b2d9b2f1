package dev.pulse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local control plane of {@code e2e/bin/up.sh}: started for the tests if it is not running
 * (and then stopped after them), reused if it is. Everything goes through the real kubectl.
 */
final class LocalCluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String KUBECTL = System.getenv().getOrDefault("KUBECTL", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33");

  /** What a command printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("exit " + exitCode + ": " + stderr + stdout);
      }
      return this;
    }
  }

  private final Path repo;
  private final boolean startedHere;

  private LocalCluster(Path repo, boolean startedHere) {
    this.repo = repo;
    this.startedHere = startedHere;
  }

  /** Brings the cluster up with up.sh, whose progress goes straight to the build output. */
  static LocalCluster up() throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    boolean running = Files.exists(repo.resolve(".pulse/pids/kube-apiserver.pid"));
    Process up = new ProcessBuilder(repo.resolve("e2e/bin/up.sh").toString()).directory(repo.toFile())
        .redirectErrorStream(true).start();
    up.getOutputStream().close();
    relay(up);
    if (!up.waitFor(40, TimeUnit.MINUTES) || up.exitValue() != 0) {
      throw new IllegalStateException("e2e/bin/up.sh failed (exit " + (up.isAlive() ? "timeout" : up.exitValue())
          + "); its output is above, component logs are in .pulse/logs");
    }
    return new LocalCluster(repo, !running);
  }

  /** Copies a script's output line by line, so its progress shows in the build log as it happens. */
  private static void relay(Process process) throws IOException {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        System.out.println(line);
      }
    }
  }

  Path kubeconfig() {
    return repo.resolve(".pulse/kubeconfig");
  }

  Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(KUBECTL, "--kubeconfig", kubeconfig().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 60s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  JsonNode json(String... args) throws IOException, InterruptedException {
    return JSON.readTree(kubectl(args).ok().stdout());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (startedHere) {
      Process down = new ProcessBuilder(repo.resolve("e2e/bin/down.sh").toString()).directory(repo.toFile())
          .redirectErrorStream(true).start();
      relay(down);
      down.waitFor(2, TimeUnit.MINUTES);
    }
  }
}
