package dev.pulse.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HTTPS requests sent with curl, as a user or a script sends them to a server of the local
 * cluster: certificates verified with the given CA (never {@code -k}), the HTTP version chosen.
 */
final class Https {

  /** What came back: the status, the headers (names in lower case) and the body's bytes. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    String contentType() {
      return headers.getOrDefault("content-type", "");
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** One request: {@code tls} are curl's certificate options, {@code accept} may be empty. */
  record Request(String method, String path, String accept, String httpVersion) {
    static Request get(String path, String accept) {
      return new Request("GET", path, accept, "2");
    }

    @Override
    public String toString() {
      return method + " " + path + (accept.isEmpty() ? "" : " [Accept: " + accept + "]") + " over HTTP/" + httpVersion;
    }
  }

  private Https() {}

  static Answer send(List<String> tls, String base, Request request) throws IOException, InterruptedException {
    Path headers = Files.createTempFile("pulse-e2e-headers", ".txt");
    Path body = Files.createTempFile("pulse-e2e-body", ".bin");
    try {
      List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
      command.addAll(tls);
      command.add(request.httpVersion().equals("1.1") ? "--http1.1" : "--http2");
      // -I, not -X HEAD: curl would otherwise wait for a body that a HEAD answer never has.
      command.addAll(request.method().equals("HEAD") ? List.of("-I") : List.of("-X", request.method()));
      if (!request.accept().isEmpty()) {
        command.addAll(List.of("-H", "Accept: " + request.accept()));
      }
      command.addAll(List.of("-D", headers.toString(), "-o", body.toString(), base + request.path()));
      Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!curl.waitFor(60, TimeUnit.SECONDS) || curl.exitValue() != 0) {
        curl.destroyForcibly();
        throw new IOException(request + " to " + base + " failed: " + output);
      }
      // With -I, curl writes the headers where the body would go: a HEAD answer has none.
      byte[] content = request.method().equals("HEAD") ? new byte[0] : Files.readAllBytes(body);
      return parse(Files.readAllLines(headers, StandardCharsets.ISO_8859_1), content);
    } finally {
      Files.deleteIfExists(headers);
      Files.deleteIfExists(body);
    }
  }

  private static Answer parse(List<String> lines, byte[] body) {
    int status = 0;
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith("HTTP/")) {
        // Interim answers (100 Continue) come first: the last status line is the answer's.
        status = Integer.parseInt(line.split(" ")[1]);
        headers.clear();
      } else if (line.contains(":")) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    return new Answer(status, headers, body);
  }
}
