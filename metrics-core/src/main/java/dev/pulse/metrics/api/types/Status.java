package dev.pulse.metrics.api.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * {@code metav1.Status}, the error body every Kubernetes client decodes. The factories produce the
 * same reasons and messages as {@code k8s.io/apimachinery/pkg/api/errors}.
 */
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code"})
public record Status(String kind, String apiVersion, Map<String, String> metadata, String status, String message,
    String reason, @JsonInclude(JsonInclude.Include.NON_NULL) Details details, int code) {

  /** {@code metav1.StatusDetails}; empty fields are omitted as Go's omitempty does. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"name", "group", "kind", "retryAfterSeconds"})
  public record Details(String name, String group, String kind, Integer retryAfterSeconds) {
    static final Details NONE = new Details(null, null, null);

    public Details(String name, String group, String kind) {
      this(name, group, kind, null);
    }
  }

  private static Status failure(int code, String reason, String message, Details details) {
    return new Status("Status", "v1", Map.of(), "Failure", message, reason, details, code);
  }

  /** {@code errors.NewNotFound}: {@code nodemetrics.metrics.k8s.io "node-1" not found}. */
  public static Status notFound(String group, String resource, String name) {
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    return failure(404, "NotFound", qualified + " \"" + name + "\" not found", new Details(name, group, resource));
  }

  /** The generic API server's answer for a path it does not serve. */
  public static Status pathNotFound() {
    return failure(404, "NotFound", "the server could not find the requested resource", Details.NONE);
  }

  /** The generic API server's answer for a method a resource does not support. */
  public static Status methodNotAllowed() {
    return failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
        Details.NONE);
  }

  /** The API server's answer to missing or bad credentials. */
  public static Status unauthorized() {
    return failure(401, "Unauthorized", "Unauthorized", null);
  }

  /**
   * {@code errors.NewForbidden}: {@code pods.metrics.k8s.io is forbidden: User "x" cannot list ...};
   * for a non-resource path (group and resource empty) just {@code forbidden: User "x" cannot get path ...}.
   */
  public static Status forbidden(String group, String resource, String name, String why) {
    if (resource.isEmpty()) {
      return failure(403, "Forbidden", "forbidden: " + why, Details.NONE);
    }
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    String subject = name.isEmpty() ? qualified : qualified + " \"" + name + "\"";
    return failure(403, "Forbidden", subject + " is forbidden: " + why,
        new Details(name.isEmpty() ? null : name, group, resource));
  }

  /** {@code errors.NewBadRequest}. */
  public static Status badRequest(String message) {
    return failure(400, "BadRequest", message, null);
  }

  /** {@code errors.NewMethodNotSupported}. */
  public static Status methodNotSupported(String group, String resource, String action) {
    return failure(405, "MethodNotAllowed",
        action + " is not supported on resources of kind \"" + resource + "." + group + "\"",
        new Details(null, group, resource));
  }

  /** {@code errors.NewInternalError}: {@code Internal error occurred: ...}. */
  public static Status internalError(String why) {
    return failure(500, "InternalError", "Internal error occurred: " + why, null);
  }

  /**
   * {@code errors.NewTooManyRequests} with the words of kube-apiserver's in-flight limit; clients
   * wait {@code retryAfterSeconds} (also in the Retry-After header) and try again.
   */
  public static Status tooManyRequests(int retryAfterSeconds) {
    return failure(429, "TooManyRequests", "Too many requests, please try again later.",
        new Details(null, null, null, retryAfterSeconds));
  }

  /** kube-apiserver's answer to a request that outlived {@code --request-timeout}. */
  public static Status timeout() {
    return failure(504, "Timeout",
        "Timeout: request did not complete within requested timeout - context deadline exceeded", Details.NONE);
  }

  /**
   * go-restful's refusal of a request whose Accept names none of the route's media types, as the
   * API server relays it ({@code NewGenericServerResponse}: empty details).
   */
  public static Status notAcceptableByRoute(String produced) {
    return failure(406, "NotAcceptable", "406: Not Acceptable\n\nAvailable representations: " + produced,
        Details.NONE);
  }

  /** The API server's answer when no media type the client accepts can be produced. */
  public static Status notAcceptable(String message) {
    return failure(406, "NotAcceptable", message, null);
  }

}
