package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.pulse.operator.model.AggregatorFlags;
import dev.pulse.operator.model.Durations;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the pipeline should run. Every field is optional; the getters of defaulted fields never
 * return null (nested objects are never null either, so they can be edited in place), and an object
 * that did not pass the API server's defaulting reads the same.
 */
@ValidationRule(
    value = "!has(self.kubelet) || !has(self.kubelet.requestTimeout) || !has(self.metricResolution)"
        + " || duration(self.kubelet.requestTimeout) < duration(self.metricResolution)",
    message = "kubelet.requestTimeout must be shorter than metricResolution: a scrape has to end"
        + " before the next one starts",
    fieldPath = ".kubelet.requestTimeout")
public final class MetricsPipelineSpec {

  public static final String DEFAULT_NAMESPACE = "pulse-system";
  public static final String DEFAULT_PRIORITY_CLASS = "system-cluster-critical";
  public static final String DEFAULT_METRIC_RESOLUTION = "15s";
  static final int DEFAULT_REPLICAS = 1;
  static final String NAMESPACE_IMMUTABLE = "spec.namespace is immutable: delete this MetricsPipeline"
      + " and create one with the new namespace (the aggregator moves with it)";

  @Default(DEFAULT_NAMESPACE)
  @Size(min = 1, max = 63)
  @Pattern(ApiPatterns.DNS1123_LABEL)
  @ValidationRule(value = "self == oldSelf", message = NAMESPACE_IMMUTABLE)
  @JsonPropertyDescription("Namespace the aggregator runs in: one the operator is granted"
      + " (its PULSE_AGGREGATOR_NAMESPACES; pulse-system as installed). Used as it is when it exists;"
      + " created and labelled for the restricted Pod Security Standard when missing, if the operator may"
      + " manage every namespace. Immutable. Default: " + DEFAULT_NAMESPACE + ".")
  private String namespace;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription("Aggregator image. Default: the image released with this operator, so"
      + " upgrading the operator upgrades the aggregator.")
  private String image;

  @JsonPropertyDescription("Pull policy of the aggregator image. Default: Kubernetes' (Always for"
      + " :latest, IfNotPresent otherwise).")
  private ImagePullPolicy imagePullPolicy;

  @Default("" + DEFAULT_REPLICAS)
  @Min(1)
  @Max(10)
  @JsonPropertyDescription("Aggregator replicas. With 2 or more the pods are spread over distinct"
      + " nodes (a hard rule: that many schedulable nodes are needed) and a PodDisruptionBudget keeps"
      + " one available. Every replica scrapes every kubelet. Default: 1.")
  private Integer replicas;

  @JsonPropertyDescription("Resources of the aggregator container. Default: requests cpu 100m,"
      + " memory 200Mi; limits memory 512Mi, enough for 1,000 nodes of 30 pods. Beyond that, add about"
      + " 5m CPU, 20Mi of request and 32Mi of limit per 100 nodes. The memory limit also sizes the JVM's heap.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Node selector of the aggregator pods. Default: kubernetes.io/os: linux.")
  private Map<String, String> nodeSelector;

  @Size(max = 32)
  @JsonPropertyDescription("Tolerations of the aggregator pods.")
  private List<Toleration> tolerations;

  @Default(DEFAULT_PRIORITY_CLASS)
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Priority class of the aggregator pods; HPAs stop scaling while it is"
      + " evicted. Default: " + DEFAULT_PRIORITY_CLASS + ".")
  private String priorityClassName;

  @Default(DEFAULT_METRIC_RESOLUTION)
  @Size(max = 32)
  @Pattern(Durations.PATTERN)
  @ValidationRule(value = "duration(self) >= duration('1s')", message = "metricResolution must be at least 1s")
  @JsonPropertyDescription("How often every kubelet is scraped, as a Go duration (15s, 1m)."
      + " Default: " + DEFAULT_METRIC_RESOLUTION + ".")
  private String metricResolution;

  @Default("{}")
  @JsonPropertyDescription("How kubelets are reached and trusted.")
  private KubeletSpec kubelet = new KubeletSpec();

  @Size(max = 1024)
  @JsonPropertyDescription("Label selector of the nodes to scrape (for example"
      + " 'eks.amazonaws.com/compute-type!=fargate'). Default: every node.")
  private String nodeSelectorForScraping;

  @Default("{}")
  @JsonPropertyDescription("The CA and serving certificate the operator issues so that kube-apiserver"
      + " verifies the aggregator (the APIService carries the CA; TLS verification is never skipped).")
  private CertificatesSpec certificates = new CertificatesSpec();

  @Default("{}")
  @JsonPropertyDescription("Registration of metrics.k8s.io with the aggregation layer.")
  private ApiServicePolicy apiService = new ApiServicePolicy();

  @Size(max = 32)
  @ValidationRule(value = "self.all(a, !a.matches('" + AggregatorFlags.MANAGED_PATTERN + "'))",
      message = "extraArgs must not set flags the operator manages (--secure-port, --tls-cert-file,"
          + " --tls-private-key-file, --metric-resolution, --kubelet-port, --kubelet-use-node-status-port,"
          + " --kubelet-preferred-address-types, --kubelet-certificate-authority, --kubelet-insecure-tls,"
          + " --kubelet-request-timeout, --node-selector/-l, --kubeconfig): use the spec fields instead")
  @JsonPropertyDescription("Extra aggregator flags, appended after the ones derived from this spec;"
      + " an escape hatch (see 'pulse-aggregator --help'). Flags the spec controls are rejected.")
  private List<@Size(min = 1, max = 512) String> extraArgs = new ArrayList<>();

  public String getNamespace() {
    return Objects.requireNonNullElse(namespace, DEFAULT_NAMESPACE);
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ImagePullPolicy getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(ImagePullPolicy imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public Integer getReplicas() {
    return Objects.requireNonNullElse(replicas, DEFAULT_REPLICAS);
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public String getPriorityClassName() {
    return Objects.requireNonNullElse(priorityClassName, DEFAULT_PRIORITY_CLASS);
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public String getMetricResolution() {
    return Objects.requireNonNullElse(metricResolution, DEFAULT_METRIC_RESOLUTION);
  }

  public void setMetricResolution(String metricResolution) {
    this.metricResolution = metricResolution;
  }

  public KubeletSpec getKubelet() {
    return kubelet;
  }

  public void setKubelet(KubeletSpec kubelet) {
    this.kubelet = kubelet != null ? kubelet : new KubeletSpec();
  }

  public String getNodeSelectorForScraping() {
    return nodeSelectorForScraping;
  }

  public void setNodeSelectorForScraping(String nodeSelectorForScraping) {
    this.nodeSelectorForScraping = nodeSelectorForScraping;
  }

  public CertificatesSpec getCertificates() {
    return certificates;
  }

  public void setCertificates(CertificatesSpec certificates) {
    this.certificates = certificates != null ? certificates : new CertificatesSpec();
  }

  public ApiServicePolicy getApiService() {
    return apiService;
  }

  public void setApiService(ApiServicePolicy apiService) {
    this.apiService = apiService != null ? apiService : new ApiServicePolicy();
  }

  public List<String> getExtraArgs() {
    return extraArgs;
  }

  public void setExtraArgs(List<String> extraArgs) {
    this.extraArgs = extraArgs != null ? extraArgs : new ArrayList<>();
  }
}
