package dev.pulse.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The operator refuses to start, saying why, when it could only wait for nothing. */
@EnableKubernetesMockClient(crud = true)
class OperatorMainTest {

  KubernetesClient client;

  @Test
  void anUnreachableApiServerIsNamed() {
    try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0).build()).build()) {
      assertThat(OperatorMain.startProblem(unreachable))
          .startsWith("Cannot reach the Kubernetes API server at https://127.0.0.1:1/")
          .contains("kubeconfig");
    }
  }

  @Test
  void aMissingCrdSaysHowToInstallIt() {
    assertThat(OperatorMain.startProblem(client))
        .contains("metricspipelines.pulse.dev is not installed")
        .endsWith("kubectl apply -f crds/metricspipelines.pulse.dev-v1.yml");
  }

  @Test
  void startsWithTheCrdInstalled() throws IOException {
    try (InputStream crd = Files.newInputStream(Path.of("../crds/metricspipelines.pulse.dev-v1.yml"))) {
      client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
    }
    assertThat(OperatorMain.startProblem(client)).isNull();
  }

  /** With a second HTTP client on the class path fabric8 picks one at random, and Netty's costs memory. */
  @Test
  void talksThroughTheJdkHttpClientOnly() {
    assertThat(ServiceLoader.load(HttpClient.Factory.class).stream().map(ServiceLoader.Provider::type))
        .containsExactly(JdkHttpClientFactory.class);
  }
}
