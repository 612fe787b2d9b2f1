package dev.pulse.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Pulse's version, written into the jar by the build (Maven filters {@code version.properties}). */
public final class Version {

  private static final String CURRENT = read();

  private Version() {}

  /** The project version, e.g. {@code 0.1.0}; {@code unknown} when run from classes the build did not write. */
  public static String current() {
    return CURRENT;
  }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
