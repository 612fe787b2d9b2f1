package dev.pulse.metrics.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /version}: the API server's {@code version.Info} with Pulse's own values. Go's field order;
 * the emulation and compatibility fields are left out (they are omitempty) because Pulse emulates no
 * Kubernetes version. What Go fills from its toolchain is filled from the JVM that runs Pulse.
 */
final class VersionInfo {

  private VersionInfo() {}

  /**
   * @param version Pulse's version, e.g. {@code 0.1.0} or {@code 0.1.0-SNAPSHOT}
   * @param runtimeVersion the JVM's version (Go puts its toolchain's in {@code goVersion})
   * @param vmName the JVM's name (Go puts its compiler's, {@code gc})
   */
  static Map<String, String> of(String version, String runtimeVersion, String vmName, String osName, String osArch) {
    String[] numbers = version.split("[.-]");
    Map<String, String> info = new LinkedHashMap<>();
    info.put("major", numbers[0]);
    info.put("minor", numbers.length > 1 ? numbers[1] : "");
    info.put("gitVersion", "v" + version);
    // The build records no commit, tree state or date: empty rather than made up.
    info.put("gitCommit", "");
    info.put("gitTreeState", "");
    info.put("buildDate", "");
    info.put("goVersion", "java" + runtimeVersion);
    info.put("compiler", vmName);
    info.put("platform", osName.toLowerCase(Locale.ROOT) + "/" + goArch(osArch));
    return info;
  }

  /** This process's answer. */
  static Map<String, String> current(String version) {
    return of(version, Runtime.version().toString(), System.getProperty("java.vm.name"),
        System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /** Go's GOARCH names for the JVM's {@code os.arch}: the platform string clients compare with kubectl's. */
  private static String goArch(String osArch) {
    return switch (osArch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> osArch;
    };
  }
}
