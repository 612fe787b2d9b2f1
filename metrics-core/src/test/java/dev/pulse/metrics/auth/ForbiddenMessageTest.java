package dev.pulse.metrics.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.types.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Denials read exactly as kube-apiserver's ({@code responsewriters.forbiddenMessage} and
 * {@code errors.NewForbidden}), so users and tools recognise them.
 */
class ForbiddenMessageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final UserInfo X = new UserInfo("x", "", List.of(), Map.of());

  @Test
  void namespacedList() throws Exception {
    AccessAttributes a = new AccessAttributes(X, "list", "/p", "metrics.k8s.io", "v1beta1", "pods", "y", null);
    Status status = Status.forbidden("metrics.k8s.io", "pods", "", a.forbiddenMessage(""));

    assertThat(JSON.writeValueAsString(status)).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":\"pods.metrics.k8s.io is forbidden: User \\\"x\\\" cannot list resource"
        + " \\\"pods\\\" in API group \\\"metrics.k8s.io\\\" in the namespace \\\"y\\\"\",\"reason\":\"Forbidden\","
        + "\"details\":{\"group\":\"metrics.k8s.io\",\"kind\":\"pods\"},\"code\":403}");
  }

  @Test
  void namedClusterScopedGetWithAReason() throws Exception {
    AccessAttributes a = new AccessAttributes(X, "get", "/n", "metrics.k8s.io", "v1beta1", "nodes", null, "node-1");
    Status status = Status.forbidden("metrics.k8s.io", "nodes", "node-1", a.forbiddenMessage("RBAC: not bound"));

    assertThat(status.message()).isEqualTo("nodes.metrics.k8s.io \"node-1\" is forbidden: User \"x\" cannot get"
        + " resource \"nodes\" in API group \"metrics.k8s.io\" at the cluster scope: RBAC: not bound");
    assertThat(JSON.writeValueAsString(status.details()))
        .isEqualTo("{\"name\":\"node-1\",\"group\":\"metrics.k8s.io\",\"kind\":\"nodes\"}");
  }

  @Test
  void nonResourcePath() throws Exception {
    AccessAttributes a = AccessAttributes.nonResource(UserInfo.ANONYMOUS, "get", "/metrics");
    Status status = Status.forbidden("", "", "", a.forbiddenMessage(""));

    assertThat(JSON.writeValueAsString(status)).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":\"forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/metrics\\\"\","
        + "\"reason\":\"Forbidden\",\"details\":{},\"code\":403}");
  }

  @Test
  void unauthorized() throws Exception {
    assertThat(JSON.writeValueAsString(Status.unauthorized())).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}");
  }
}
