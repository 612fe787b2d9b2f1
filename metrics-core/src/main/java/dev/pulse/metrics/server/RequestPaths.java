package dev.pulse.metrics.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The request path as Go's net/http hands it to metrics-server: the whole path percent-decoded
 * before anything splits it on '/', so {@code sh%6fp} is the namespace {@code shop} and
 * {@code %2F} becomes a separator like any other '/'.
 */
final class RequestPaths {

  private RequestPaths() {}

  /**
   * Go's {@code url.PathUnescape}: every {@code %XX} decoded, {@code +} left alone.
   *
   * @throws IllegalArgumentException for a '%' not followed by two hex digits, which Go refuses
   *     before routing (400 over HTTP/1.1, a stream reset over HTTP/2)
   */
  static String decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    byte[] in = raw.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] != '%') {
        bytes.write(in[i]);
        continue;
      }
      if (i + 2 >= in.length || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0) {
        throw new IllegalArgumentException("invalid URL escape in " + raw);
      }
      bytes.write(hex(in[i + 1]) << 4 | hex(in[i + 2]));
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
