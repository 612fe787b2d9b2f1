package dev.pulse.operator.doctor;

import dev.pulse.operator.api.MetricsPipeline;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;
import java.util.Map;

/**
 * Everything the doctor read, each by one GET.
 *
 * @param server kube-apiserver's URL, as the kubeconfig names it
 * @param version {@code GET /version}: whether kube-apiserver answers at all
 * @param authentication the data of {@code kube-system/extension-apiserver-authentication}
 * @param pipelines every MetricsPipeline; {@link Reading.Absent} when the CRD is not installed
 * @param nodeMetrics how many nodes {@code GET /apis/metrics.k8s.io/v1beta1/nodes} returned
 */
record Findings(String server, Reading<String> version, Reading<APIService> apiService,
    Reading<Map<String, String>> authentication, Reading<List<MetricsPipeline>> pipelines, Reading<List<Node>> nodes,
    Reading<Integer> nodeMetrics) {}
