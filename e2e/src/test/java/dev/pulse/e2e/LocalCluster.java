package dev.pulse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The local control plane of {@code e2e/bin/up.sh}: started for the tests if it is not running
 * (and then stopped after all of them), reused if it is. Test classes receive it as a parameter
 * through {@link Extension}, so every class shares one start-up. Everything goes through the real
 * kubectl.
 */
final class LocalCluster implements ExtensionContext.Store.CloseableResource {

  /**
   * Resolves {@code LocalCluster} parameters with the one cluster of the whole test run. A failure
   * in a test or its set-up ends with what the operator and the aggregator last logged of trouble:
   * CI keeps no workspace, so the message is all there is to read afterwards.
   */
  static final class Extension implements ParameterResolver, TestExecutionExceptionHandler,
      LifecycleMethodExecutionExceptionHandler {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == LocalCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
          .getOrComputeIfAbsent(LocalCluster.class, key -> {
            try {
              return up();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          }, LocalCluster.class);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
      throw withTroubleLogged(failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
        throws Throwable {
      throw withTroubleLogged(failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
        throws Throwable {
      throw withTroubleLogged(failure);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure)
        throws Throwable {
      throw withTroubleLogged(failure);
    }
  }

  /** Warnings, errors and restarts of each component: the last few, to see what went wrong. */
  private static final int TROUBLE_LINES = 12;
  private static final int TROUBLE_LINE_LENGTH = 800;
  private static final Pattern EXCEPTION_LINE = Pattern.compile("[a-z][\\w.]*\\.[A-Z]\\w*(Exception|Error)\\b");

  private static Throwable withTroubleLogged(Throwable failure) {
    Path logs = Path.of(System.getProperty("user.dir")).getParent().resolve(".pulse/logs");
    StringBuilder trouble = new StringBuilder();
    for (String component : List.of("operator", "aggregator")) {
      Path log = logs.resolve(component + ".log");
      List<String> last;
      try {
        last = Files.exists(log) ? lastTrouble(Files.readAllLines(log, StandardCharsets.UTF_8)) : List.of();
      } catch (IOException e) {
        continue; // the failure itself matters more than an unreadable log
      }
      if (!last.isEmpty()) {
        trouble.append("\n--- last warnings of .pulse/logs/").append(component).append(".log ---\n")
            .append(String.join("\n", last));
      }
    }
    return trouble.isEmpty() ? failure : new AssertionError(failure.getMessage() + trouble, failure);
  }

  /**
   * Each message once, at its last occurrence, with how often it came: a burst of one warning must
   * not push out the one that matters.
   */
  private static List<String> lastTrouble(List<String> lines) {
    Map<String, String> lastOf = new LinkedHashMap<>();
    Map<String, Integer> count = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.contains(" WARN ") && !line.contains(" ERROR ") && !line.contains(" supervisor: ")) {
        continue;
      }
      // A logged exception's own message is on the next line.
      if (i + 1 < lines.size() && EXCEPTION_LINE.matcher(lines.get(i + 1)).lookingAt()) {
        line = line + " | " + lines.get(i + 1);
      }
      String message = line.substring(line.indexOf(' ') + 1);
      lastOf.remove(message);
      lastOf.put(message, line);
      count.merge(message, 1, Integer::sum);
    }
    List<String> last = lastOf.entrySet().stream()
        .map(entry -> (entry.getValue().length() > TROUBLE_LINE_LENGTH
            ? entry.getValue().substring(0, TROUBLE_LINE_LENGTH) + "…" : entry.getValue())
            + (count.get(entry.getKey()) > 1 ? " (" + count.get(entry.getKey()) + " times)" : ""))
        .toList();
    return last.subList(Math.max(0, last.size() - TROUBLE_LINES), last.size());
  }

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
  private static LocalCluster up() throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    boolean running = Files.exists(repo.resolve(".pulse/pids/kube-apiserver.pid"));
    LocalCluster cluster = new LocalCluster(repo, !running);
    cluster.script("up.sh");
    return cluster;
  }

  /**
   * Runs {@code e2e/bin/<name>} to completion, its output relayed; e.g. {@code up.sh} brings back
   * whatever of Pulse is not running.
   */
  void script(String name, String... args) throws IOException, InterruptedException {
    script(Map.of(), name, args);
  }

  /** {@link #script(String, String...)} with variables added to its environment. */
  void script(Map<String, String> env, String name, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(repo.resolve("e2e/bin").resolve(name).toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    relay(process);
    if (!process.waitFor(40, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("e2e/bin/" + name + " failed (exit "
          + (process.isAlive() ? "timeout" : process.exitValue())
          + "); its output is above, component logs are in .pulse/logs");
    }
  }

  /** Whether a process the scripts started runs. */
  boolean running(String component) throws IOException {
    Path pidFile = repo.resolve(".pulse/pids/" + component + ".pid");
    return Files.exists(pidFile)
        && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Kills a process the scripts started (SIGKILL: no chance to clean up) and waits for its end. A
   * supervised one (the operator, the aggregator) is then restarted by its supervisor, as the
   * kubelet restarts a killed container.
   */
  void kill(String component) throws IOException {
    ProcessHandle process = process(component);
    process.destroyForcibly();
    process.onExit().join();
  }

  /**
   * Stops a supervised component for good, as deleting its pod would: SIGTERM to its supervisor,
   * which passes it on, and waits for both to end. Nothing happens if it does not run.
   */
  void stop(String component) throws IOException {
    Path pidFile = repo.resolve(".pulse/pids/supervisors/" + component + ".pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> supervisor = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
    if (supervisor.isPresent()) {
      supervisor.get().destroy();
      supervisor.get().onExit().orTimeout(40, TimeUnit.SECONDS).join();
    }
  }

  /** Suspends (SIGSTOP) or resumes (SIGCONT) a process the scripts started, e.g. kube-apiserver. */
  void signal(String component, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process(component).pid()))
        .redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + component + ": " + output);
    }
  }

  private ProcessHandle process(String component) throws IOException {
    long pid = Long.parseLong(Files.readString(repo.resolve(".pulse/pids/" + component + ".pid")).trim());
    return ProcessHandle.of(pid)
        .orElseThrow(() -> new IllegalStateException(component + " (pid " + pid + ") is not running"));
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

  Path repo() {
    return repo;
  }

  Path kubeconfig() {
    return repo.resolve(".pulse/kubeconfig");
  }

  /** The loopback port of a component, e.g. {@code METRICS_SERVER}, as the running cluster recorded it. */
  int port(String component) throws IOException {
    String key = "PULSE_" + component + "_PORT=";
    return Files.readAllLines(repo.resolve(".pulse/ports.env")).stream()
        .filter(line -> line.startsWith(key))
        .map(line -> Integer.parseInt(line.substring(key.length()).trim()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(key + " missing from .pulse/ports.env"));
  }

  /** curl's options to talk to a server whose certificate the cluster CA signed, as the cluster admin. */
  List<String> adminTls() {
    Path pki = repo.resolve(".pulse/pki");
    return List.of("--cacert", pki.resolve("ca.crt").toString(),
        "--cert", pki.resolve("admin.crt").toString(), "--key", pki.resolve("admin.key").toString());
  }

  /** Runs a command to completion (at most a minute), e.g. curl. */
  static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in 60s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  Result kubectl(String... args) throws IOException, InterruptedException {
    return kubectlWithInput("", args);
  }

  /** kubectl reading {@code input} on its standard input, e.g. for {@code apply -f -}. */
  Result kubectlWithInput(String input, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(KUBECTL, "--kubeconfig", kubeconfig().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    try (var stdin = p.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 60s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /**
   * {@code kubectl pulse ...} as a user runs the plugin: {@code .pulse/bin} (where up.sh links
   * {@code kubectl-pulse}) first on the PATH, KUBECONFIG only as {@code env} sets it.
   */
  Result kubectlPulse(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(KUBECTL, "pulse"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    builder.environment().put("PATH", repo.resolve(".pulse/bin") + ":" + System.getenv("PATH"));
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl pulse " + String.join(" ", args) + " did not finish in 60s");
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /** {@code kubectl pulse doctor} on this cluster (KUBECONFIG), run until it exits {@code exitCode} printing {@code expected}. */
  Result awaitDoctor(Duration atMost, int exitCode, String expected) {
    Result[] last = new Result[1];
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
      last[0] = kubectlPulse(Map.of("KUBECONFIG", kubeconfig().toString()), "doctor");
      Assertions.assertThat(last[0].stdout()).as(last[0].stderr()).contains(expected);
      Assertions.assertThat(last[0].exitCode()).as(last[0].stdout()).isEqualTo(exitCode);
    });
    return last[0];
  }

  JsonNode json(String... args) throws IOException, InterruptedException {
    return JSON.readTree(kubectl(args).ok().stdout());
  }

  /** Stops the cluster after the last test, if the tests started it. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (startedHere) {
      script("down.sh");
    }
  }
}
