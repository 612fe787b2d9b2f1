package dev.pulse.metrics.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What metrics-server v0.8.0 answered, captured with curl into src/test/resources/metrics-server-endpoints/
 * (see the README there).
 */
public final class MetricsServerCapture {

  /**
   * Headers that differ per request or per connection (or that Go's http server adds to everything),
   * and so say nothing about the endpoint.
   */
  private static final Set<String> PER_REQUEST = Set.of("audit-id", "date", "content-length");

  private MetricsServerCapture() {}

  public static byte[] body(String name) {
    try (InputStream in = MetricsServerCapture.class.getResourceAsStream("/metrics-server-endpoints/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no capture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String name) {
    return new String(body(name), StandardCharsets.UTF_8);
  }

  /** The status code of a {@code .headers} capture. */
  public static int status(String name) {
    return Integer.parseInt(text(name + ".headers").lines().findFirst().orElseThrow().split(" ")[1]);
  }

  /**
   * The headers of a {@code .headers} capture as {@code name: value} lines (names in lower case, in
   * the order sent), without the per-request ones; values of the names in {@code masked} are
   * replaced by {@code <name>}.
   */
  public static List<String> headers(String name, Set<String> masked) {
    List<String> lines = new ArrayList<>();
    text(name + ".headers").lines().skip(1).filter(l -> !l.isBlank()).forEach(line -> {
      int colon = line.indexOf(':');
      String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (!PER_REQUEST.contains(key)) {
        lines.add(key + ": " + (masked.contains(key) ? "<" + key + ">" : value));
      }
    });
    return lines;
  }

  /** The same shape for headers Pulse decided. */
  public static List<String> headers(List<Map.Entry<String, String>> headers, Set<String> masked) {
    List<String> lines = new ArrayList<>();
    headers.forEach(h -> {
      String key = h.getKey().toLowerCase(Locale.ROOT);
      if (!PER_REQUEST.contains(key)) {
        lines.add(key + ": " + (masked.contains(key) ? "<" + key + ">" : h.getValue()));
      }
    });
    return lines;
  }
}
