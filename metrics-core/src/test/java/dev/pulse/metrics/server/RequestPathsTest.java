package dev.pulse.metrics.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Paths decoded as Go's net/http decodes them before metrics-server routes them. */
class RequestPathsTest {

  @ParameterizedTest
  @CsvSource({
      // metrics-server lists the pods of shop for sh%6fp.
      "/apis/metrics.k8s.io/v1beta1/namespaces/sh%6fp/pods, /apis/metrics.k8s.io/v1beta1/namespaces/shop/pods",
      "/apis/metrics.k8s.io/v1beta1/nodes/pulse%2Dnode%2D1, /apis/metrics.k8s.io/v1beta1/nodes/pulse-node-1",
      "/ap%69s, /apis",
      // Decoded before splitting: %2F is a separator (metrics-server then answers 404 for sh/op).
      "/apis/metrics.k8s.io/v1beta1/namespaces/sh%2Fop/pods, /apis/metrics.k8s.io/v1beta1/namespaces/sh/op/pods",
      "/apis/metrics.k8s.io/v1beta1/namespaces/sh%2fop/pods, /apis/metrics.k8s.io/v1beta1/namespaces/sh/op/pods",
      // A path is not a form: '+' stays '+'.
      "/a+b, /a+b",
      "/caf%C3%A9, /café",
      "/plain/path, /plain/path",
  })
  void decodesTheWholePathFirst(String raw, String decoded) {
    assertThat(RequestPaths.decode(raw)).isEqualTo(decoded);
  }

  /** Go refuses these before any handler runs: metrics-server answers 400 (HTTP/1.1) or resets the stream. */
  @ParameterizedTest
  @ValueSource(strings = {"/apis/metrics.k8s.io/v1beta1/namespaces/sh%zzop/pods",
      "/apis/metrics.k8s.io/v1beta1/namespaces/shop%/pods", "/x%4", "/x%", "/%g0"})
  void refusesBrokenEscapes(String raw) {
    assertThatThrownBy(() -> RequestPaths.decode(raw)).isInstanceOf(IllegalArgumentException.class);
  }
}
