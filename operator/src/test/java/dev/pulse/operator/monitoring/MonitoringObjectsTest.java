package dev.pulse.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.monitoring.PrometheusOperator.Kind;
import dev.pulse.operator.status.MonitoringState;
import dev.pulse.operator.testing.Pipelines;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against the mock API server: created where the kinds are served, reported where not, removed when unwanted. */
@EnableKubernetesMockClient(crud = true)
class MonitoringObjectsTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void withoutTheCrdsWhatWasAskedForIsReportedAndNothingWritten() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> {
      spec.getMonitoring().getServiceMonitor().setEnabled(true);
      spec.getMonitoring().getPrometheusRule().setEnabled(true);
    });
    assertThat(MonitoringObjects.reconcile(client, pipeline, false))
        .isEqualTo(new MonitoringState.CrdsMissing(List.of("ServiceMonitor", "PrometheusRule")));
  }

  @Test
  void nothingAskedForAndNothingReportedMakesNoRequest() {
    int before = server.getRequestCount();
    assertThat(MonitoringObjects.reconcile(client, Pipelines.pipeline(), false))
        .isEqualTo(new MonitoringState.NotRequested());
    assertThat(server.getRequestCount()).isEqualTo(before);
  }

  @Test
  void createdWhenTheCrdsAppearUpdatedWithTheSpecAndRemovedWhenNoLongerAskedFor() {
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.getMonitoring().getServiceMonitor().setEnabled(true));
    serveOnly(Kind.SERVICE_MONITOR);
    pipeline.getSpec().getMonitoring().getPrometheusRule().setEnabled(true);
    assertThat(MonitoringObjects.reconcile(client, pipeline, false))
        .as("the rule's CRD is still missing").isEqualTo(new MonitoringState.CrdsMissing(List.of("PrometheusRule")));
    assertThat(get(Kind.SERVICE_MONITOR)).as("what can be created is").isNotNull();

    serveOnly(Kind.SERVICE_MONITOR, Kind.PROMETHEUS_RULE);
    assertThat(MonitoringObjects.reconcile(client, pipeline, true)).isEqualTo(new MonitoringState.Configured(
        List.of("ServiceMonitor pulse-system/pulse-metrics", "PrometheusRule pulse-system/pulse-metrics")));
    assertThat(get(Kind.PROMETHEUS_RULE).getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by",
        "pulse-operator");

    // Unchanged: no write.
    String version = get(Kind.SERVICE_MONITOR).getMetadata().getResourceVersion();
    MonitoringObjects.reconcile(client, pipeline, true);
    assertThat(get(Kind.SERVICE_MONITOR).getMetadata().getResourceVersion()).isEqualTo(version);

    pipeline.getSpec().getMonitoring().getServiceMonitor().setLabels(Map.of("release", "prometheus"));
    MonitoringObjects.reconcile(client, pipeline, true);
    assertThat(get(Kind.SERVICE_MONITOR).getMetadata().getLabels()).containsEntry("release", "prometheus");

    pipeline.getSpec().getMonitoring().getPrometheusRule().setEnabled(false);
    assertThat(MonitoringObjects.reconcile(client, pipeline, true))
        .isEqualTo(new MonitoringState.Configured(List.of("ServiceMonitor pulse-system/pulse-metrics")));
    assertThat(get(Kind.PROMETHEUS_RULE)).isNull();

    pipeline.getSpec().getMonitoring().getServiceMonitor().setEnabled(false);
    assertThat(MonitoringObjects.reconcile(client, pipeline, true)).isEqualTo(new MonitoringState.NotRequested());
    assertThat(get(Kind.SERVICE_MONITOR)).isNull();
  }

  @Test
  void anObjectOfTheSameNameThatIsNotOursIsLeftAloneAndReported() {
    serveOnly(Kind.SERVICE_MONITOR);
    client.genericKubernetesResources(Kind.SERVICE_MONITOR.context()).resource(new GenericKubernetesResourceBuilder()
        .withApiVersion("monitoring.coreos.com/v1").withKind("ServiceMonitor")
        .withNewMetadata().withName("pulse-metrics").withNamespace("pulse-system").endMetadata()
        .addToAdditionalProperties("spec", Map.of("endpoints", List.of())).build()).create();
    MetricsPipeline pipeline = Pipelines.pipeline(spec -> spec.getMonitoring().getServiceMonitor().setEnabled(true));

    MonitoringState state = MonitoringObjects.reconcile(client, pipeline, false);
    assertThat(state).isInstanceOf(MonitoringState.Failed.class);
    assertThat(((MonitoringState.Failed) state).error()).contains("ServiceMonitor pulse-system/pulse-metrics",
        "not created by pulse-operator");
    assertThat(get(Kind.SERVICE_MONITOR).getAdditionalProperties().get("spec"))
        .isEqualTo(Map.of("endpoints", List.of()));
  }

  /** kube-apiserver's discovery once these kinds' CRDs are installed. */
  private void serveOnly(Kind... kinds) {
    server.clearExpectations();
    APIResourceListBuilder list = new APIResourceListBuilder().withGroupVersion("monitoring.coreos.com/v1");
    for (Kind kind : kinds) {
      list.addNewResource().withName(kind.plural).withKind(kind.kind).withNamespaced(true)
          .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endResource();
      server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup("monitoring.coreos.com")
          .withVersion("v1").withKind(kind.kind).withPlural(kind.plural).withScope("Namespaced").build());
    }
    server.expect().get().withPath("/apis/monitoring.coreos.com/v1").andReturn(200, list.build()).always();
  }

  private GenericKubernetesResource get(Kind kind) {
    return client.genericKubernetesResources(kind.context()).inNamespace("pulse-system").withName(kind.objectName)
        .get();
  }
}
