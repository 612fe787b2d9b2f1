package dev.pulse.operator.status;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.tls.Pem;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether kube-apiserver's aggregation layer can tell an aggregated API server who is asking, judged
 * from what kube-apiserver publishes in {@code kube-system/extension-apiserver-authentication}: the
 * condition {@code AggregationLayerConfigured} and {@code kubectl pulse doctor} say it the same way.
 * kube-apiserver calls the aggregator with a client certificate signed by the request-header CA and
 * names the user in headers; the aggregator believes those headers only from that CA.
 */
public final class AggregationLayer {

  public static final String TYPE = "AggregationLayerConfigured";
  public static final String CONFIG_MAP = Names.KUBE_SYSTEM + "/" + Names.AUTHENTICATION_CONFIG_MAP;

  public static final String REQUEST_HEADER_CA_MISSING = "RequestHeaderCAMissing";
  public static final String REQUEST_HEADER_CA_UNREADABLE = "RequestHeaderCAUnreadable";
  public static final String REQUEST_HEADER_CA_IS_CLIENT_CA = "RequestHeaderCAIsClientCA";

  static final String REQUEST_HEADER_CA_KEY = "requestheader-client-ca-file";
  static final String ALLOWED_NAMES_KEY = "requestheader-allowed-names";
  static final String CLIENT_CA_KEY = "client-ca-file";

  /** The flags that enable the aggregation layer, as kubeadm sets them. */
  static final String FLAGS = "--requestheader-client-ca-file (a CA of the front proxy's own),"
      + " --requestheader-allowed-names=front-proxy-client, --requestheader-username-headers=X-Remote-User,"
      + " --requestheader-group-headers=X-Remote-Group, --requestheader-extra-headers-prefix=X-Remote-Extra-,"
      + " and --proxy-client-cert-file and --proxy-client-key-file (a client certificate that CA signed, for the"
      + " name front-proxy-client); add --enable-aggregator-routing=true when kube-apiserver cannot reach"
      + " Service IPs (no kube-proxy on the control plane)";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code status} is True, False or Unknown, as for a condition. */
  public record Verdict(String status, String reason, String message) {

    /** kube-apiserver cannot authenticate anyone to the aggregator: no {@code kubectl top} works. */
    public boolean blocksMetrics() {
      return REQUEST_HEADER_CA_MISSING.equals(reason) || REQUEST_HEADER_CA_UNREADABLE.equals(reason);
    }
  }

  private AggregationLayer() {}

  /**
   * @param data the ConfigMap's data; empty when it was not seen (kube-apiserver writes it when it
   *     starts, so before that or without permission to read it)
   */
  public static Verdict verdict(Optional<Map<String, String>> data) {
    if (data.isEmpty()) {
      return new Verdict(StatusAggregator.UNKNOWN, "NotObserved", "ConfigMap " + CONFIG_MAP + " has not been read:"
          + " kube-apiserver writes it when it starts. The operator reads it (get, list and watch on that one"
          + " ConfigMap) to check the aggregation layer.");
    }
    String requestHeaderPem = data.get().get(REQUEST_HEADER_CA_KEY);
    if (requestHeaderPem == null || requestHeaderPem.isBlank()) {
      return new Verdict(StatusAggregator.FALSE, REQUEST_HEADER_CA_MISSING, "ConfigMap " + CONFIG_MAP + " has no "
          + REQUEST_HEADER_CA_KEY + ": kube-apiserver's aggregation layer is not enabled, so it cannot tell the"
          + " aggregator who is asking and kubectl top is refused. Start kube-apiserver with " + FLAGS + ".");
    }
    List<X509Certificate> requestHeaderCa;
    try {
      requestHeaderCa = Pem.certificates(requestHeaderPem);
    } catch (IllegalArgumentException e) {
      return new Verdict(StatusAggregator.FALSE, REQUEST_HEADER_CA_UNREADABLE, "The " + REQUEST_HEADER_CA_KEY
          + " in ConfigMap " + CONFIG_MAP + " cannot be read (" + e.getMessage() + "), so no aggregated API server"
          + " can verify kube-apiserver. Point kube-apiserver's --requestheader-client-ca-file at a PEM CA"
          + " certificate.");
    }
    List<String> allowedNames = allowedNames(data.get().get(ALLOWED_NAMES_KEY));
    if (shareAKey(requestHeaderCa, clientCa(data.get().get(CLIENT_CA_KEY)))) {
      String names = allowedNames.isEmpty()
          ? " --requestheader-allowed-names is empty, so every one of them qualifies."
          : " Only the common names in --requestheader-allowed-names (" + String.join(", ", allowedNames) + ")"
              + " stand between any such certificate and every identity.";
      return new Verdict(StatusAggregator.FALSE, REQUEST_HEADER_CA_IS_CLIENT_CA, "The request-header CA in"
          + " ConfigMap " + CONFIG_MAP + " is also the client CA (--requestheader-client-ca-file and"
          + " --client-ca-file name the same CA). An aggregated API server believes the X-Remote-User and"
          + " X-Remote-Group headers of any client certificate from the request-header CA, so a user's or a"
          + " kubelet's client certificate can call it directly as anyone, system:masters included." + names
          + " Give the front proxy a CA of its own (kubeadm's front-proxy-ca), sign --proxy-client-cert-file"
          + " with it and point --requestheader-client-ca-file at it.");
    }
    return new Verdict(StatusAggregator.TRUE, "RequestHeaderCAConfigured", "kube-apiserver calls aggregated API"
        + " servers as a front proxy with a CA of its own"
        + (allowedNames.isEmpty() ? "." : ", as " + String.join(" or ", allowedNames) + "."));
  }

  /** An unreadable client CA is kube-apiserver's problem, not a shared one. */
  private static List<X509Certificate> clientCa(String pem) {
    if (pem == null || pem.isBlank()) {
      return List.of();
    }
    try {
      return Pem.certificates(pem);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /** The same key is the same CA to a verifier, whether or not it was re-issued. */
  private static boolean shareAKey(List<X509Certificate> some, List<X509Certificate> others) {
    return some.stream().anyMatch(one -> others.stream()
        .anyMatch(other -> Arrays.equals(one.getPublicKey().getEncoded(), other.getPublicKey().getEncoded())));
  }

  /** kube-apiserver writes the list as JSON; names are shown, so an unreadable list shows none. */
  private static List<String> allowedNames(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return List.copyOf(JSON.readValue(json, new TypeReference<List<String>>() { }));
    } catch (IOException e) {
      return List.of();
    }
  }
}
