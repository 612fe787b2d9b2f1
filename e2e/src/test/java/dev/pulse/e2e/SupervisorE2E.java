package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The development mode's kubelet, {@code e2e/lib/supervise.sh}, on its own (no cluster): a process
 * that keeps exiting is restarted with CrashLoopBackOff and each exit is logged with its code; a
 * SIGTERM to the supervisor stops it and its process, leaving nothing running and no pid file.
 */
class SupervisorE2E {

  private static final Path SUPERVISE = Path.of(System.getProperty("user.dir"), "lib", "supervise.sh");

  @TempDir
  Path dir;

  @Test
  void aCrashingProcessIsRestartedAtOnceThenAfterTenAndTwentySeconds() throws Exception {
    Process supervisor = supervise("sh", "-c", "exit 3");
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> log().contains("restart 2 in 10s"));
      assertThat(log()).contains("crasher exited with code 3 after 0s; restart 1 in 0s (back-off)");
      Instant secondExit = Instant.now();
      await().atMost(Duration.ofSeconds(15)).until(() -> log().contains("restart 3 in 20s"));
      assertThat(Duration.between(secondExit, Instant.now())).as("the back-off before the third start")
          .isGreaterThan(Duration.ofSeconds(8));
    } finally {
      supervisor.destroy();
    }
    assertThat(supervisor.waitFor(5, TimeUnit.SECONDS)).as("stopped during its back-off").isTrue();
    assertThat(log()).contains("crasher stopped during its back-off");
    assertThat(dir.resolve("crasher.pid")).doesNotExist();
  }

  @Test
  void stoppingTheSupervisorStopsItsProcessForGood() throws Exception {
    Process supervisor = supervise("sleep", "600");
    Path pidFile = dir.resolve("crasher.pid");
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile));
    ProcessHandle process = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();

    supervisor.destroy();

    assertThat(supervisor.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.onExit().get(5, TimeUnit.SECONDS).isAlive()).as("the supervised process").isFalse();
    assertThat(log()).contains("crasher stopped (exit code 143)").doesNotContain("restart 1");
    assertThat(pidFile).doesNotExist();
  }

  private Process supervise(String... command) throws IOException {
    Path log = dir.resolve("crasher.log");
    List<String> args = new ArrayList<>(
        List.of(SUPERVISE.toString(), "crasher", dir.resolve("crasher.pid").toString(), log.toString()));
    args.addAll(List.of(command));
    return new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("crasher.log"));
  }
}
