package dev.pulse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.ApiServiceTakeover;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.testing.Pipelines;
import dev.pulse.operator.tls.Pem;
import dev.pulse.operator.tls.StoredTls;
import dev.pulse.operator.tls.TlsMaterial;
import dev.pulse.operator.tls.TlsPolicy;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiServiceDependentResourceTest {

  private final MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.setNamespace("monitoring"));

  @Test
  void registersMetricsV1beta1WithTheCaBundleAndNeverSkipsVerification() {
    TlsMaterial tls = TlsMaterial.reconcile(StoredTls.NOTHING, TlsPolicy.of(pipeline), Instant.parse("2026-01-01T00:00:00Z"));
    APIService service = ApiServiceDependentResource.desired(pipeline, tls.caBundlePem(), Optional.empty());

    assertThat(service.getApiVersion()).isEqualTo("apiregistration.k8s.io/v1");
    assertThat(service.getMetadata().getName()).isEqualTo("v1beta1.metrics.k8s.io");
    assertThat(service.getMetadata().getNamespace()).isNull();
    assertThat(service.getSpec().getGroup()).isEqualTo("metrics.k8s.io");
    assertThat(service.getSpec().getVersion()).isEqualTo("v1beta1");
    assertThat(service.getSpec().getGroupPriorityMinimum()).isEqualTo(100);
    assertThat(service.getSpec().getVersionPriority()).isEqualTo(100);
    assertThat(service.getSpec().getService().getNamespace()).isEqualTo("monitoring");
    assertThat(service.getSpec().getService().getName()).isEqualTo("pulse-metrics");
    assertThat(service.getSpec().getService().getPort()).isEqualTo(443);
    assertThat(service.getSpec().getInsecureSkipTLSVerify()).isNull();
    String bundle = new String(Base64.getDecoder().decode(service.getSpec().getCaBundle()), StandardCharsets.US_ASCII);
    assertThat(Pem.certificates(bundle)).containsExactly(tls.ca().certificate());
  }

  @Test
  void recognisesItsOwnAndNamesForeignOwners() {
    APIService ours = ApiServiceDependentResource.desired(pipeline, "pem", Optional.empty());
    assertThat(ApiServiceDependentResource.foreignOwner(ours, pipeline)).isEmpty();

    MetricsPipeline other = Pipelines.pipeline();
    other.getMetadata().setName("other");
    assertThat(ApiServiceDependentResource.foreignOwner(ours, other)).contains("MetricsPipeline cluster");

    APIService metricsServer = metricsServer();
    assertThat(ApiServiceDependentResource.foreignOwner(metricsServer, pipeline))
        .contains("Service kube-system/metrics-server, managed by Helm");
  }

  @Test
  void takesOverOnlyAsThePolicySays() {
    APIService foreign = metricsServer();
    assertThat(ApiServiceDependentResource.mayReplace(ApiServiceTakeover.Never, foreign, false)).isFalse();
    assertThat(ApiServiceDependentResource.mayReplace(ApiServiceTakeover.IfOrphaned, foreign, true)).isFalse();
    assertThat(ApiServiceDependentResource.mayReplace(ApiServiceTakeover.IfOrphaned, foreign, false)).isTrue();
    assertThat(ApiServiceDependentResource.mayReplace(ApiServiceTakeover.Always, foreign, true)).isTrue();
  }

  private static APIService metricsServer() {
    return new APIServiceBuilder()
        .withNewMetadata().withName("v1beta1.metrics.k8s.io")
        .addToLabels("app.kubernetes.io/managed-by", "Helm").endMetadata()
        .withNewSpec().withNewService().withNamespace("kube-system").withName("metrics-server").endService()
        .withInsecureSkipTLSVerify(true).endSpec()
        .build();
  }
}
