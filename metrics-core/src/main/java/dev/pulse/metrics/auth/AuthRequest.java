package dev.pulse.metrics.auth;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * What authentication looks at: the client certificate chain the TLS handshake received (empty
 * when none) and the request headers, keyed by lower-case name.
 */
public record AuthRequest(List<X509Certificate> peerChain, Map<String, List<String>> headers) {

  List<String> header(String lowerCaseName) {
    return headers.getOrDefault(lowerCaseName, List.of());
  }

  /** The bearer token of the Authorization header, or null. */
  String bearerToken() {
    for (String value : header("authorization")) {
      String v = value.strip();
      if (v.regionMatches(true, 0, "Bearer ", 0, 7) && v.length() > 7) {
        return v.substring(7).strip();
      }
    }
    return null;
  }
}
