package dev.pulse.metrics.server;

import static dev.pulse.metrics.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.config.AggregatorOptions;
import dev.pulse.metrics.testing.MockKubeApi;
import dev.pulse.metrics.testing.TestPki;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Authentication and authorization through the running server, against a mock API server that
 * answers TokenReviews and SubjectAccessReviews: what reaches the API server, what is remembered,
 * what a CA rotation changes, and the TLS policy clients meet.
 */
class AccessControlIntegrationTest {

  private static final String V1BETA1 = "/apis/metrics.k8s.io/v1beta1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> AS_ALICE = Map.of("X-Remote-User", "alice", "X-Remote-Group", "staff");

  @TempDir
  static Path tmp;
  static MockKubeApi apiServer;
  static KubernetesClient client;
  static TestPki.Ca servingCa;
  static TestPki.Ca frontProxyCa;
  static Aggregator aggregator;

  @BeforeAll
  static void start() throws Exception {
    apiServer = new MockKubeApi();
    client = apiServer.client("aggregator-token");
    servingCa = TestPki.newCa("serving-ca");
    frontProxyCa = TestPki.newCa("front-proxy-ca");
    client.configMaps().inNamespace("kube-system").resource(authenticationConfigMap(frontProxyCa)).create();
    apiServer.acceptTokens(Map.of("carol-token",
        new UserInfoBuilder().withUsername("carol").withUid("c-1").withGroups("devs").build()));
    apiServer.authorize(review -> List.of("alice", "carol").contains(review.getUser()));

    Path[] serving = servingCa.issueServer("pulse", "127.0.0.1").writeTo(tmp, "serving");
    Path kubeletCa = TestPki.newCa("kubelet-ca").writeCertTo(tmp, "kubelet-ca");
    AggregatorOptions options = new AggregatorOptions();
    new CommandLine(options).parseArgs("--secure-port=0", "--bind-address=127.0.0.1", "--metric-resolution=1s",
        "--kubelet-request-timeout=500ms", "--kubelet-certificate-authority=" + kubeletCa,
        "--tls-cert-file=" + serving[0], "--tls-private-key-file=" + serving[1]);
    aggregator = Aggregator.start(options, client, false);
  }

  @AfterAll
  static void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
    client.close();
    apiServer.close();
  }

  private static ConfigMap authenticationConfigMap(TestPki.Ca proxyCa) {
    return new ConfigMapBuilder()
        .withNewMetadata().withNamespace("kube-system").withName("extension-apiserver-authentication").endMetadata()
        .addToData("requestheader-client-ca-file", proxyCa.certPem())
        .addToData("requestheader-allowed-names", "[\"front-proxy-client\"]")
        .addToData("requestheader-username-headers", "[\"X-Remote-User\"]")
        .addToData("requestheader-group-headers", "[\"X-Remote-Group\"]")
        .addToData("requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]")
        .build();
  }

  private static HttpClient client(TestPki.Issued identity) {
    return HttpClient.newBuilder().sslContext(servingCa.trustingContext(identity)).version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> get(HttpClient http, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + aggregator.port() + path))
        .timeout(Duration.ofSeconds(5));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertStatus(HttpResponse<String> response, int code, String expectedJson) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(expectedJson));
  }

  @Test
  void aBearerTokenIsCheckedByTokenReviewOnceAndItsUserAuthorized() throws Exception {
    HttpClient anonymousTls = client(null);
    Map<String, String> carol = Map.of("Authorization", "Bearer carol-token");
    int before = apiServer.tokenReviews().size();

    assertThat(get(anonymousTls, V1BETA1 + "/namespaces/team/pods", carol).statusCode()).isEqualTo(200);
    assertThat(get(anonymousTls, V1BETA1 + "/namespaces/team/pods", carol).statusCode()).isEqualTo(200);

    assertThat(apiServer.tokenReviews().subList(before, apiServer.tokenReviews().size())).containsExactly("carol-token");
    assertThat(apiServer.reviews()).anySatisfy(review -> {
      assertThat(review.getUser()).isEqualTo("carol");
      assertThat(review.getUid()).isEqualTo("c-1");
      assertThat(review.getGroups()).containsExactly("devs", "system:authenticated");
      assertThat(review.getResourceAttributes().getNamespace()).isEqualTo("team");
      assertThat(review.getResourceAttributes().getVerb()).isEqualTo("list");
    });
  }

  @Test
  void aRejectedTokenIsUnauthorized() throws Exception {
    assertStatus(get(client(null), V1BETA1 + "/nodes", Map.of("Authorization", "Bearer stolen")), 401, """
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized",
         "reason":"Unauthorized","code":401}""");
  }

  @Test
  void aRepeatedRequestIsAuthorizedFromTheCache() throws Exception {
    HttpClient proxy = client(frontProxyCa.issueClient("front-proxy-client"));
    String path = V1BETA1 + "/namespaces/cache-test/pods";

    for (int i = 0; i < 3; i++) {
      assertThat(get(proxy, path, AS_ALICE).statusCode()).isEqualTo(200);
    }

    assertThat(apiServer.reviews()).filteredOn(r -> r.getResourceAttributes() != null
        && "cache-test".equals(r.getResourceAttributes().getNamespace())).hasSize(1);
  }

  @Test
  void aFrontProxyCertificateWithAnotherNameIsUnauthorized() throws Exception {
    HttpClient intruder = client(frontProxyCa.issueClient("not-the-proxy"));

    assertThat(get(intruder, V1BETA1 + "/nodes", AS_ALICE).statusCode()).isEqualTo(401);
  }

  @Test
  void theOwnMetricsEndpointIsAuthorizedAsANonResourcePath() throws Exception {
    assertStatus(get(client(null), "/metrics", Map.of()), 403, """
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
         "message":"forbidden: User \\"system:anonymous\\" cannot get path \\"/metrics\\"",
         "reason":"Forbidden","details":{},"code":403}""");

    HttpResponse<String> alice = get(client(frontProxyCa.issueClient("front-proxy-client")), "/metrics", AS_ALICE);
    assertThat(alice.statusCode()).isEqualTo(200);
    assertThat(alice.body()).contains("pulse_scrape_cycle_duration_seconds");
    assertThat(apiServer.reviews()).filteredOn(review -> review.getNonResourceAttributes() != null).anySatisfy(review -> {
      assertThat(review.getNonResourceAttributes().getPath()).isEqualTo("/metrics");
      assertThat(review.getNonResourceAttributes().getVerb()).isEqualTo("get");
    });
  }

  @Test
  void aRotatedFrontProxyCaIsTrustedWithoutARestart() throws Exception {
    TestPki.Ca rotated = TestPki.newCa("front-proxy-ca-2");
    HttpClient oldProxy = client(frontProxyCa.issueClient("front-proxy-client"));
    HttpClient newProxy = client(rotated.issueClient("front-proxy-client"));
    try {
      client.configMaps().inNamespace("kube-system").resource(authenticationConfigMap(rotated)).update();

      eventually(Duration.ofSeconds(10), () -> {
        assertThat(get(newProxy, V1BETA1 + "/nodes", AS_ALICE).statusCode()).isEqualTo(200);
        assertThat(get(oldProxy, V1BETA1 + "/nodes", AS_ALICE).statusCode()).isEqualTo(401);
      });
    } finally {
      client.configMaps().inNamespace("kube-system").resource(authenticationConfigMap(frontProxyCa)).update();
      eventually(Duration.ofSeconds(10),
          () -> assertThat(get(oldProxy, V1BETA1 + "/nodes", AS_ALICE).statusCode()).isEqualTo(200));
    }
  }

  @Test
  void speaksHttp2WithForwardSecretAeadSuitesOnly() throws Exception {
    HttpResponse<String> response = get(client(null), "/livez", Map.of());
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);

    // The JDK client still offers CBC suites over TLS 1.2 (it refuses TLS 1.0/1.1 by itself, so
    // those prove nothing about the server): the server must not accept one.
    try (SSLSocket socket = socket("TLSv1.2")) {
      socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
    try (SSLSocket socket = socket("TLSv1.2")) {
      socket.startHandshake();
      assertThat(socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "_CHACHA20_");
    }
    try (SSLSocket socket = socket("TLSv1.3")) {
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }

  private static SSLSocket socket(String protocol) throws Exception {
    SSLSocket socket = (SSLSocket) servingCa.trustingContext().getSocketFactory()
        .createSocket("127.0.0.1", aggregator.port());
    socket.setEnabledProtocols(new String[] {protocol});
    return socket;
  }
}
