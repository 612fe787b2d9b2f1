package dev.pulse.metrics.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.metrics.api.ApiRequest;
import dev.pulse.metrics.api.Output;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedListsTest {

  private final SharedLists lists = new SharedLists();
  private final AtomicInteger encodings = new AtomicInteger();

  @Test
  void onlyWholeClusterListsWithoutSelectorsAreShared() {
    assertThat(SharedLists.shareable(request("/apis/metrics.k8s.io/v1beta1/pods", Map.of()))).isTrue();
    assertThat(SharedLists.shareable(request("/apis/metrics.k8s.io/v1beta1/nodes", Map.of()))).isTrue();
    assertThat(SharedLists.shareable(request("/apis/metrics.k8s.io/v1beta1/namespaces/a/pods", Map.of()))).isFalse();
    assertThat(SharedLists.shareable(request("/apis/metrics.k8s.io/v1beta1/pods", Map.of("labelSelector", "a=b"))))
        .isFalse();
    assertThat(SharedLists.shareable(request("/apis/metrics.k8s.io/v1beta1/nodes/node-1", Map.of()))).isFalse();
    assertThat(SharedLists.shareable(request("/apis/metrics.k8s.io/v1beta1", Map.of()))).isFalse();
    assertThat(SharedLists.shareable(request("/apis/metrics.k8s.io/v1beta1/pods", Map.of("watch", "true")))).isFalse();
  }

  @Test
  void requestsOfTheSameSecondShareOneEncoding() {
    ApiRequest pods = request("/apis/metrics.k8s.io/v1beta1/pods", Map.of());

    Future<SharedLists.EncodedResponse> first = lists.get(pods, Output.JSON, 100, this::encode);
    Future<SharedLists.EncodedResponse> second = lists.get(pods, Output.JSON, 100, this::encode);

    assertThat(second).isSameAs(first);
    assertThat(encodings).hasValue(1);
  }

  @Test
  void aNewSecondARepresentationOrAResourceOfItsOwnIsEncodedAgain() {
    ApiRequest pods = request("/apis/metrics.k8s.io/v1beta1/pods", Map.of());
    ApiRequest nodes = request("/apis/metrics.k8s.io/v1beta1/nodes", Map.of());

    lists.get(pods, Output.JSON, 100, this::encode);
    lists.get(pods, Output.YAML, 100, this::encode);
    lists.get(nodes, Output.JSON, 100, this::encode);
    Future<SharedLists.EncodedResponse> later = lists.get(pods, Output.JSON, 101, this::encode);

    assertThat(encodings).hasValue(4);
    assertThat(new String(later.result().body(), StandardCharsets.UTF_8)).isEqualTo("body 4");
  }

  @Test
  void aFailedEncodingIsNotKept() {
    ApiRequest pods = request("/apis/metrics.k8s.io/v1beta1/pods", Map.of());

    lists.get(pods, Output.JSON, 100, () -> Future.failedFuture(new IllegalStateException("boom")));
    Future<SharedLists.EncodedResponse> retried = lists.get(pods, Output.JSON, 100, this::encode);

    assertThat(retried.succeeded()).isTrue();
    assertThat(encodings).hasValue(1);
  }

  @Test
  void theBodiesOfPastSecondsAreLetGo() {
    ApiRequest pods = request("/apis/metrics.k8s.io/v1beta1/pods", Map.of());
    ApiRequest nodes = request("/apis/metrics.k8s.io/v1beta1/nodes", Map.of());
    Future<SharedLists.EncodedResponse> old = lists.get(pods, Output.JSON, 100, this::encode);
    Future<SharedLists.EncodedResponse> current = lists.get(nodes, Output.JSON, 101, this::encode);

    lists.forgetBefore(101);

    assertThat(lists.get(pods, Output.JSON, 100, this::encode)).isNotSameAs(old);
    assertThat(lists.get(nodes, Output.JSON, 101, this::encode)).isSameAs(current);
    assertThat(encodings).hasValue(3);
  }

  private Future<SharedLists.EncodedResponse> encode() {
    return Future.succeededFuture(new SharedLists.EncodedResponse(200, "application/json",
        ("body " + encodings.incrementAndGet()).getBytes(StandardCharsets.UTF_8)));
  }

  private static ApiRequest request(String path, Map<String, String> query) {
    return ApiRequest.parse(path, query).orElseThrow();
  }
}
