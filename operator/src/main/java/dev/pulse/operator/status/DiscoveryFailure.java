package dev.pulse.operator.status;

import java.util.Locale;

/**
 * Why kube-apiserver's discovery check of an APIService failed, read from the message of its
 * {@code FailedDiscoveryCheck} condition ("failing or missing response from https://…: Get …: x509:
 * certificate signed by unknown authority"), with what that means for whoever serves it.
 */
public enum DiscoveryFailure {

  UNTRUSTED_CERTIFICATE("kube-apiserver does not trust the server's certificate: the APIService's caBundle must"
      + " hold the CA that signed it, for the name <service>.<namespace>.svc"),
  CONNECTION_REFUSED("the connection was refused: nothing listens on the Service's target port on its endpoints"),
  UNREACHABLE("the request timed out or found no route: the control plane cannot reach the endpoints"
      + " (NetworkPolicies, firewalls, security groups, a pod network the control plane cannot route)"),
  UNAUTHORIZED("the server answered 401: it does not accept kube-apiserver's front-proxy client certificate"
      + " (--proxy-client-cert-file must be signed by the CA of --requestheader-client-ca-file and carry a name"
      + " from --requestheader-allowed-names)"),
  FORBIDDEN("the server answered 403: it does not let the calling user discover the API; it may not be allowed"
      + " to create SubjectAccessReviews (the ClusterRole system:auth-delegator)"),
  OTHER("kube-apiserver cannot reach or verify the server");

  /** In plain words, with the fix where the message tells it. */
  public final String explanation;

  DiscoveryFailure(String explanation) {
    this.explanation = explanation;
  }

  /** @param message the condition's message, as kube-apiserver wrote it; null reads as {@link #OTHER} */
  public static DiscoveryFailure of(String message) {
    String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (m.contains("x509:") || m.contains("tls:") || m.contains("certificate")) {
      return UNTRUSTED_CERTIFICATE;
    }
    if (m.contains("connection refused")) {
      return CONNECTION_REFUSED;
    }
    if (m.contains("deadline exceeded") || m.contains("timeout") || m.contains("i/o timeout")
        || m.contains("no route to host")) {
      return UNREACHABLE;
    }
    if (m.matches(".*bad status from \\S+: 401.*")) {
      return UNAUTHORIZED;
    }
    if (m.matches(".*bad status from \\S+: 403.*")) {
      return FORBIDDEN;
    }
    return OTHER;
  }
}
