package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a request path asks for. The verb, namespace and name parsed here are also what the
 * authorizer checks (SubjectAccessReview attributes), so they must match the API server's
 * RequestInfo for the same request.
 */
class ApiRequestTest {

  private static final String V1BETA1 = "/apis/metrics.k8s.io/v1beta1";

  private static ApiRequest parse(String path, Map<String, String> query) {
    Optional<ApiRequest> request = ApiRequest.parse(path, query);
    assertThat(request).as("served path %s", path).isPresent();
    return request.get();
  }

  private static ApiRequest parse(String path) {
    return parse(path, Map.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/apis", "/apis/metrics.k8s.io", V1BETA1})
  void discoveryPathsAreServed(String path) {
    ApiRequest request = parse(path);

    assertThat(request.isDiscovery()).isTrue();
    assertThat(request.resource()).isNull();
    assertThat(request.verb()).isEqualTo("get");
    assertThat(request.path()).isEqualTo(path);
  }

  @Test
  void nodeList() {
    ApiRequest request = parse(V1BETA1 + "/nodes");

    assertThat(request.isDiscovery()).isFalse();
    assertThat(request.resource()).isEqualTo(Resource.NODES);
    assertThat(request.verb()).isEqualTo("list");
    assertThat(request.namespace()).isNull();
    assertThat(request.name()).isNull();
  }

  @Test
  void nodeGet() {
    ApiRequest request = parse(V1BETA1 + "/nodes/node-a");

    assertThat(request.resource()).isEqualTo(Resource.NODES);
    assertThat(request.verb()).isEqualTo("get");
    assertThat(request.namespace()).isNull();
    assertThat(request.name()).isEqualTo("node-a");
  }

  @Test
  void podListAcrossNamespaces() {
    ApiRequest request = parse(V1BETA1 + "/pods");

    assertThat(request.resource()).isEqualTo(Resource.PODS);
    assertThat(request.verb()).isEqualTo("list");
    assertThat(request.namespace()).isNull();
    assertThat(request.name()).isNull();
  }

  @Test
  void podListInANamespace() {
    ApiRequest request = parse(V1BETA1 + "/namespaces/kube-system/pods");

    assertThat(request.resource()).isEqualTo(Resource.PODS);
    assertThat(request.verb()).isEqualTo("list");
    assertThat(request.namespace()).isEqualTo("kube-system");
    assertThat(request.name()).isNull();
  }

  @Test
  void podGet() {
    ApiRequest request = parse(V1BETA1 + "/namespaces/default/pods/web-1");

    assertThat(request.resource()).isEqualTo(Resource.PODS);
    assertThat(request.verb()).isEqualTo("get");
    assertThat(request.namespace()).isEqualTo("default");
    assertThat(request.name()).isEqualTo("web-1");
    assertThat(request.path()).isEqualTo(V1BETA1 + "/namespaces/default/pods/web-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "1"})
  void watchParameterTurnsAListIntoAWatch(String value) {
    assertThat(parse(V1BETA1 + "/nodes", Map.of("watch", value)).verb()).isEqualTo("watch");
    assertThat(parse(V1BETA1 + "/pods", Map.of("watch", value)).verb()).isEqualTo("watch");
    assertThat(parse(V1BETA1 + "/namespaces/default/pods", Map.of("watch", value)).verb()).isEqualTo("watch");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRUE", "True", "yes", ""})
  void anyWatchValueButZeroOrFalseIsAWatch(String value) {
    // The API server's query bool rule (Convert_Slice_string_To_bool): only "0" and "false"
    // (any case) are false; every other value, even an empty one, is true.
    assertThat(parse(V1BETA1 + "/nodes", Map.of("watch", value)).verb()).isEqualTo("watch");
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "FALSE", "0"})
  void watchFalseIsAPlainList(String value) {
    assertThat(parse(V1BETA1 + "/nodes", Map.of("watch", value)).verb()).isEqualTo("list");
  }

  @Test
  void aNamedRequestIsAGetEvenWithWatch() {
    // RequestInfo only looks at ?watch when the path names no object; a named GET returns the
    // object and is authorized as "get".
    assertThat(parse(V1BETA1 + "/nodes/node-a", Map.of("watch", "true")).verb()).isEqualTo("get");
    assertThat(parse(V1BETA1 + "/namespaces/default/pods/web-1", Map.of("watch", "true")).verb())
        .isEqualTo("get");
  }

  @Test
  void selectorsComeFromTheQuery() {
    ApiRequest request = parse(V1BETA1 + "/pods",
        Map.of("labelSelector", "app=web", "fieldSelector", "metadata.namespace!=kube-system"));

    assertThat(request.labelSelector()).isEqualTo("app=web");
    assertThat(request.fieldSelector()).isEqualTo("metadata.namespace!=kube-system");
    assertThat(parse(V1BETA1 + "/pods").labelSelector()).isNull();
    assertThat(parse(V1BETA1 + "/pods").fieldSelector()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "/",
    "/api/v1/nodes",
    "/apis/metrics.k8s.io/v1",
    "/apis/metrics.k8s.io/v1beta1x/nodes",
    V1BETA1 + "/foo",
    // nodes are cluster-scoped
    V1BETA1 + "/namespaces/x/nodes",
    V1BETA1 + "/namespaces/x/nodes/y",
    // pods are namespaced: there is no cluster-scoped pod by name
    V1BETA1 + "/pods/web-1",
    V1BETA1 + "/nodes/a/b",
    V1BETA1 + "/namespaces/default/pods/web-1/extra",
    V1BETA1 + "/namespaces",
    V1BETA1 + "/namespaces/default",
    // empty name or namespace segments
    V1BETA1 + "/nodes//",
    V1BETA1 + "/namespaces//pods",
    V1BETA1 + "/namespaces//pods/web-1",
    V1BETA1 + "/namespaces/default/pods//",
  })
  void unknownPathsAreNotServed(String path) {
    assertThat(ApiRequest.parse(path, Map.of())).isEmpty();
  }
}
