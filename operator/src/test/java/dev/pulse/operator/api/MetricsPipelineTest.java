package dev.pulse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** How the Java types read what users write. */
class MetricsPipelineTest {

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Test
  void anEmptyPipelineReadsAsTheDefaults() {
    MetricsPipeline pipeline = serialization.unmarshal("""
        apiVersion: pulse.dev/v1alpha1
        kind: MetricsPipeline
        metadata: {name: cluster}
        """, MetricsPipeline.class);
    MetricsPipelineSpec spec = pipeline.getSpec();
    assertThat(spec.getNamespace()).isEqualTo("pulse-system");
    assertThat(spec.getReplicas()).isEqualTo(1);
    assertThat(spec.getMetricResolution()).isEqualTo("15s");
    assertThat(spec.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(spec.getKubelet().getPort()).isEqualTo(10250);
    assertThat(spec.getKubelet().getUseNodeStatusPort()).isTrue();
    assertThat(spec.getKubelet().getPreferredAddressTypes())
        .containsExactly(NodeAddressType.InternalIP, NodeAddressType.ExternalIP, NodeAddressType.Hostname);
    assertThat(spec.getKubelet().getTls().getMode()).isEqualTo(KubeletTlsMode.ClusterCA);
    assertThat(spec.getKubelet().getRequestTimeout()).isEqualTo("10s");
    assertThat(spec.getCertificates().getValidity()).isEqualTo("8760h");
    assertThat(spec.getCertificates().getRenewBefore()).isEqualTo("720h");
    assertThat(spec.getCertificates().getCaValidity()).isEqualTo("43800h");
    assertThat(spec.getApiService().getTakeover()).isEqualTo(ApiServiceTakeover.Never);
    assertThat(spec.getExtraArgs()).isEmpty();
    assertThat(pipeline.getStatus()).isNull();
  }

  @Test
  void explicitNullsReadAsTheDefaults() {
    MetricsPipeline pipeline = serialization.unmarshal("""
        {"apiVersion": "pulse.dev/v1alpha1", "kind": "MetricsPipeline", "metadata": {"name": "cluster"},
         "spec": {"namespace": null, "replicas": null, "kubelet": null, "certificates": {"validity": null}}}
        """, MetricsPipeline.class);
    assertThat(pipeline.getSpec().getNamespace()).isEqualTo("pulse-system");
    assertThat(pipeline.getSpec().getReplicas()).isEqualTo(1);
    assertThat(pipeline.getSpec().getKubelet().getTls().getMode()).isEqualTo(KubeletTlsMode.ClusterCA);
    assertThat(pipeline.getSpec().getCertificates().getValidity()).isEqualTo("8760h");
  }

  @Test
  void aFullSpecReadsAsWritten() {
    MetricsPipeline pipeline = serialization.unmarshal("""
        apiVersion: pulse.dev/v1alpha1
        kind: MetricsPipeline
        metadata: {name: cluster}
        spec:
          namespace: monitoring
          image: registry.local/pulse-aggregator:1.0
          imagePullPolicy: IfNotPresent
          replicas: 2
          metricResolution: 30s
          kubelet:
            port: 10255
            useNodeStatusPort: false
            preferredAddressTypes: [Hostname]
            requestTimeout: 20s
            tls: {mode: CustomCA, caSecretRef: {name: kubelet-ca}}
          nodeSelectorForScraping: pulse-skip!=true
          certificates: {validity: 2160h, renewBefore: 360h, caValidity: 17520h}
          apiService: {takeover: IfOrphaned}
          extraArgs: [--kubelet-max-concurrency=8]
        """, MetricsPipeline.class);
    MetricsPipelineSpec spec = pipeline.getSpec();
    assertThat(spec.getNamespace()).isEqualTo("monitoring");
    assertThat(spec.getImagePullPolicy()).isEqualTo(ImagePullPolicy.IfNotPresent);
    assertThat(spec.getReplicas()).isEqualTo(2);
    assertThat(spec.getKubelet().getUseNodeStatusPort()).isFalse();
    assertThat(spec.getKubelet().getTls().getCaSecretRef().getName()).isEqualTo("kubelet-ca");
    assertThat(spec.getKubelet().getTls().getCaSecretRef().getKey()).isEqualTo("ca.crt");
    assertThat(spec.getApiService().getTakeover()).isEqualTo(ApiServiceTakeover.IfOrphaned);
    assertThat(spec.getExtraArgs()).containsExactly("--kubelet-max-concurrency=8");
    assertThat(pipeline.getApiVersion()).isEqualTo("pulse.dev/v1alpha1");
  }
}
