package dev.pulse.metrics.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whom to believe: the CAs and header names of front-proxy (request-header) authentication and
 * the client CA, as kube-apiserver publishes them in {@code kube-system/extension-apiserver-authentication}.
 *
 * @param requestHeaderCa CAs that sign the front proxy's client certificate; empty disables request-header auth
 * @param allowedNames common names the front proxy may use; empty allows any certificate from those CAs
 * @param usernameHeaders header names carrying the user name, first non-empty wins
 * @param uidHeaders header names carrying the user's UID
 * @param groupHeaders header names carrying groups (every value of every header)
 * @param extraHeaderPrefixes prefixes of headers carrying extra attributes
 * @param clientCa CAs that sign user client certificates; empty disables client-certificate auth
 */
public record AuthenticationConfig(List<X509Certificate> requestHeaderCa, List<String> allowedNames,
    List<String> usernameHeaders, List<String> uidHeaders, List<String> groupHeaders, List<String> extraHeaderPrefixes,
    List<X509Certificate> clientCa) {

  public static final String CONFIG_MAP_NAMESPACE = "kube-system";
  public static final String CONFIG_MAP_NAME = "extension-apiserver-authentication";
  private static final ObjectMapper JSON = new ObjectMapper();

  public AuthenticationConfig {
    usernameHeaders = lower(usernameHeaders);
    uidHeaders = lower(uidHeaders);
    groupHeaders = lower(groupHeaders);
    extraHeaderPrefixes = lower(extraHeaderPrefixes);
  }

  /** Header names compare case-insensitively: keep them lower-case once. */
  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * Reads the ConfigMap's data. The list-valued keys hold JSON arrays, as kube-apiserver writes them.
   *
   * @throws IllegalArgumentException naming the key that cannot be read
   */
  public static AuthenticationConfig fromConfigMap(Map<String, String> data) {
    Map<String, String> d = data == null ? Map.of() : data;
    return new AuthenticationConfig(
        certificates("requestheader-client-ca-file", d.get("requestheader-client-ca-file")),
        jsonList("requestheader-allowed-names", d.get("requestheader-allowed-names")),
        jsonList("requestheader-username-headers", d.get("requestheader-username-headers")),
        jsonList("requestheader-uid-headers", d.get("requestheader-uid-headers")),
        jsonList("requestheader-group-headers", d.get("requestheader-group-headers")),
        jsonList("requestheader-extra-headers-prefix", d.get("requestheader-extra-headers-prefix")),
        certificates("client-ca-file", d.get("client-ca-file")));
  }

  private static List<String> jsonList(String key, String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    try {
      return List.copyOf(JSON.readValue(value, new TypeReference<List<String>>() { }));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(key + " is not a JSON list of strings: " + e.getMessage(), e);
    }
  }

  /** Parses a PEM bundle; an empty value means no CA. */
  public static List<X509Certificate> certificates(String what, String pem) {
    if (pem == null || pem.isBlank()) {
      return List.of();
    }
    try {
      return CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
          .map(X509Certificate.class::cast).toList();
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + " is not a PEM certificate bundle: " + e.getMessage(), e);
    }
  }
}
