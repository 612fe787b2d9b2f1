package dev.pulse.metrics.auth;

/**
 * What a request wants to do, in the terms of a SubjectAccessReview: a verb on a resource of an
 * API group, or a verb on a non-resource path such as {@code /metrics}.
 *
 * @param resource the resource (e.g. {@code pods}), or null for a non-resource request
 */
public record AccessAttributes(UserInfo user, String verb, String path, String group, String version,
    String resource, String namespace, String name) {

  public static AccessAttributes nonResource(UserInfo user, String verb, String path) {
    return new AccessAttributes(user, verb, path, null, null, null, null, null);
  }

  public boolean resourceRequest() {
    return resource != null;
  }

  public AccessAttributes withUser(UserInfo who) {
    return new AccessAttributes(who, verb, path, group, version, resource, namespace, name);
  }

  /** The API server's denial text: {@code User "x" cannot list resource "pods" in API group ...}. */
  public String forbiddenMessage(String reason) {
    String msg;
    if (!resourceRequest()) {
      msg = "User \"" + user.name() + "\" cannot " + verb + " path \"" + path + "\"";
    } else if (namespace != null && !namespace.isEmpty()) {
      msg = "User \"" + user.name() + "\" cannot " + verb + " resource \"" + resource + "\" in API group \"" + group
          + "\" in the namespace \"" + namespace + "\"";
    } else {
      msg = "User \"" + user.name() + "\" cannot " + verb + " resource \"" + resource + "\" in API group \"" + group
          + "\" at the cluster scope";
    }
    return reason == null || reason.isEmpty() ? msg : msg + ": " + reason;
  }
}
