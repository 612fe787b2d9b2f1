package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.pulse.operator.model.AggregatorFlags;
import dev.pulse.operator.model.Durations;
import dev.pulse.operator.model.Names;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
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
@ValidationRule(
    value = "!has(self.hostNetwork) || !self.hostNetwork"
        + " || (has(self.securePort) ? self.securePort : " + MetricsPipelineSpec.DEFAULT_HOST_NETWORK_SECURE_PORT + ")"
        + " != (has(self.kubelet) && has(self.kubelet.port) ? self.kubelet.port : " + KubeletSpec.DEFAULT_PORT + ")",
    message = "securePort must not be the kubelet's port (kubelet.port, " + KubeletSpec.DEFAULT_PORT + " unless set)"
        + " when hostNetwork is true: both would listen on the node's network; leave securePort unset for "
        + MetricsPipelineSpec.DEFAULT_HOST_NETWORK_SECURE_PORT,
    fieldPath = ".securePort")
public final class MetricsPipelineSpec {

  public static final String DEFAULT_NAMESPACE = "pulse-system";
  public static final String DEFAULT_PRIORITY_CLASS = "system-cluster-critical";
  public static final String DEFAULT_METRIC_RESOLUTION = "15s";
  static final int DEFAULT_REPLICAS = 1;
  /** metrics-server's port: unprivileged, and what existing NetworkPolicies for it allow. */
  public static final int DEFAULT_SECURE_PORT = 10250;
  /**
   * On the node's network 10250 is the kubelet's; 4443 is metrics-server's port before 0.5 and the
   * one its guides for hostNetwork use.
   */
  public static final int DEFAULT_HOST_NETWORK_SECURE_PORT = 4443;
  static final String NAMESPACE_IMMUTABLE = "spec.namespace is immutable: delete this MetricsPipeline"
      + " and create one with the new namespace (the aggregator moves with it)";

  /** A label or annotation key as Kubernetes checks it: the form, the prefix at most 253, the name 63. */
  static final String VALID_KEY = "k.matches('" + ApiPatterns.QUALIFIED_NAME + "')"
      + " && k.lastIndexOf('/') <= 253 && size(k) - k.lastIndexOf('/') - 1 <= 63";
  /** The labels every managed object carries; the pods' selector and the operator's informers use them. */
  private static final String OPERATOR_LABELS = "['" + Names.NAME_LABEL + "', '" + Names.INSTANCE_LABEL + "', '"
      + Names.MANAGED_BY_LABEL + "', '" + Names.COMPONENT_LABEL + "']";
  private static final String OPERATOR_ANNOTATIONS = "['" + Names.SERVING_CERT_HASH_ANNOTATION + "', '"
      + Names.DEFAULT_CONTAINER_ANNOTATION + "']";
  private static final String OPERATOR_PREFIX = "k.startsWith('" + Names.OPERATOR_KEY_PREFIX + "')";
  static final int MAX_METADATA_ENTRIES = 64;

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

  @JsonPropertyDescription("Resources of the aggregator container; when set, spec.autoSize is not applied."
      + " Default: requests cpu 100m,"
      + " memory 200Mi; limits memory 512Mi, enough for 1,000 nodes of 30 pods. Beyond that, add about"
      + " 5m CPU, 20Mi of request and 32Mi of limit per 100 nodes. The memory limit also sizes the JVM's heap.")
  private ResourceRequirements resources;

  @Default("{}")
  @JsonPropertyDescription("Resources that follow the number of nodes scraped, with hysteresis; spec.resources,"
      + " when set, wins.")
  private AutoSizeSpec autoSize = new AutoSizeSpec();

  @JsonPropertyDescription("Node selector of the aggregator pods. Default: kubernetes.io/os: linux.")
  private Map<String, String> nodeSelector;

  @Size(max = 32)
  @JsonPropertyDescription("Tolerations of the aggregator pods.")
  private List<Toleration> tolerations;

  @Size(max = 16)
  @ValidationRule(value = "self.all(s, has(s.name) && s.name != '')",
      message = "imagePullSecrets: every entry needs the name of a Secret in spec.namespace")
  @JsonPropertyDescription("Secrets in spec.namespace with credentials for the registry of the aggregator"
      + " image (private registries, mirrors, air-gapped clusters). Default: none.")
  private List<LocalObjectReference> imagePullSecrets;

  @JsonPropertyDescription("Scheduling constraints of the aggregator pods, as in a Pod. When set it"
      + " replaces the operator's own: with 2 or more replicas, required anti-affinity on"
      + " kubernetes.io/hostname among the aggregator pods; keep an equivalent rule to stay highly"
      + " available. Default: none, or that anti-affinity with 2 or more replicas.")
  private Affinity affinity;

  @Size(max = 8)
  @ValidationRule(value = "self.all(c, has(c.maxSkew) && c.maxSkew >= 1 && has(c.topologyKey) && c.topologyKey != ''"
      + " && has(c.whenUnsatisfiable) && c.whenUnsatisfiable in ['DoNotSchedule', 'ScheduleAnyway'])",
      message = "topologySpreadConstraints: every entry needs maxSkew of at least 1, a topologyKey and"
          + " whenUnsatisfiable DoNotSchedule or ScheduleAnyway")
  @JsonPropertyDescription("How the aggregator pods spread over zones or nodes, as in a Pod. A constraint"
      + " without labelSelector gets the aggregator pods' selector. Default: none.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  @Size(max = MAX_METADATA_ENTRIES)
  @ValidationRule(value = "self.all(k, " + VALID_KEY + ")",
      message = "podLabels: every key must be a label key (an optional DNS subdomain prefix of at most 253"
          + " characters and '/', then at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends)")
  @ValidationRule(value = "self.all(k, !(k in " + OPERATOR_LABELS + ") && !" + OPERATOR_PREFIX + ")",
      messageExpression = "'podLabels must not set ' + self.filter(k, k in " + OPERATOR_LABELS + " || "
          + OPERATOR_PREFIX + ")[0] + ': the operator selects its pods by its own labels, and keys under "
          + Names.OPERATOR_KEY_PREFIX + " are its own'")
  @JsonPropertyDescription("Labels added to the aggregator pods (service meshes, cost allocation, policy"
      + " engines). The operator's own (app.kubernetes.io/name, instance, managed-by, component, and"
      + " pulse.dev/ keys) are rejected. Default: none.")
  private Map<String, @Size(max = 63) @Pattern(ApiPatterns.LABEL_VALUE) String> podLabels;

  @Size(max = MAX_METADATA_ENTRIES)
  @ValidationRule(value = "self.all(k, " + VALID_KEY + ")",
      message = "podAnnotations: every key must be an annotation key (an optional DNS subdomain prefix of at"
          + " most 253 characters and '/', then at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both"
          + " ends)")
  @ValidationRule(value = "self.all(k, !(k in " + OPERATOR_ANNOTATIONS + ") && !" + OPERATOR_PREFIX + ")",
      messageExpression = "'podAnnotations must not set ' + self.filter(k, k in " + OPERATOR_ANNOTATIONS + " || "
          + OPERATOR_PREFIX + ")[0] + ': the operator sets its own annotations, and keys under "
          + Names.OPERATOR_KEY_PREFIX + " are its own'")
  @JsonPropertyDescription("Annotations added to the aggregator pods. The operator's own"
      + " (" + Names.SERVING_CERT_HASH_ANNOTATION + ", " + Names.DEFAULT_CONTAINER_ANNOTATION + ", pulse.dev/ keys)"
      + " are rejected. Default: none.")
  private Map<String, String> podAnnotations;

  @Default("false")
  @JsonPropertyDescription("Run the aggregator pods in the nodes' network namespace, for clusters whose"
      + " control plane cannot reach pod IPs (EKS with a custom CNI such as Calico, Cilium in overlay mode),"
      + " where the APIService otherwise stays FailedDiscoveryCheck. The pods listen on securePort on their"
      + " node and resolve cluster names (dnsPolicy ClusterFirstWithHostNet); a rollout starts the new pod"
      + " before stopping the old one, so it needs a second eligible node. Only the privileged Pod"
      + " Security level allows host networking: a namespace the operator created is labelled to enforce"
      + " privileged (audit stays restricted); an existing namespace must allow it. Default: false.")
  private Boolean hostNetwork;

  @Min(1024)
  @Max(65535)
  @JsonPropertyDescription("Port the aggregator serves HTTPS on; the Service maps 443 to it. Unprivileged"
      + " (1024 or above): the aggregator runs without capabilities. With hostNetwork it must not be the"
      + " kubelet's port. Default: " + DEFAULT_SECURE_PORT + ", or " + DEFAULT_HOST_NETWORK_SECURE_PORT
      + " with hostNetwork.")
  private Integer securePort;

  @Size(max = MAX_METADATA_ENTRIES)
  @ValidationRule(value = "self.all(k, " + VALID_KEY + ")",
      message = "serviceAnnotations: every key must be an annotation key (an optional DNS subdomain prefix of"
          + " at most 253 characters and '/', then at most 63 alphanumerics, '-', '_' or '.', alphanumeric at"
          + " both ends)")
  @JsonPropertyDescription("Annotations of the aggregator's Service (for example for a service mesh or a"
      + " cloud's load-balancer controller). Default: none.")
  private Map<String, String> serviceAnnotations;

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

  @Default("{}")
  @JsonPropertyDescription("Prometheus Operator integration: a ServiceMonitor for the aggregator's /metrics and a"
      + " PrometheusRule with its alerts, created where the monitoring.coreos.com CRDs are installed.")
  private MonitoringSpec monitoring = new MonitoringSpec();

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

  public AutoSizeSpec getAutoSize() {
    return autoSize;
  }

  public void setAutoSize(AutoSizeSpec autoSize) {
    this.autoSize = autoSize != null ? autoSize : new AutoSizeSpec();
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

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  public Map<String, String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(Map<String, String> podLabels) {
    this.podLabels = podLabels;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations;
  }

  public Boolean getHostNetwork() {
    return Objects.requireNonNullElse(hostNetwork, false);
  }

  public void setHostNetwork(Boolean hostNetwork) {
    this.hostNetwork = hostNetwork;
  }

  /** The port asked for, else the default for the network the pods are on. */
  public Integer getSecurePort() {
    return securePort != null ? securePort
        : getHostNetwork() ? DEFAULT_HOST_NETWORK_SECURE_PORT : DEFAULT_SECURE_PORT;
  }

  public void setSecurePort(Integer securePort) {
    this.securePort = securePort;
  }

  public Map<String, String> getServiceAnnotations() {
    return serviceAnnotations;
  }

  public void setServiceAnnotations(Map<String, String> serviceAnnotations) {
    this.serviceAnnotations = serviceAnnotations;
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

  public MonitoringSpec getMonitoring() {
    return monitoring;
  }

  public void setMonitoring(MonitoringSpec monitoring) {
    this.monitoring = monitoring != null ? monitoring : new MonitoringSpec();
  }

  public List<String> getExtraArgs() {
    return extraArgs;
  }

  public void setExtraArgs(List<String> extraArgs) {
    this.extraArgs = extraArgs != null ? extraArgs : new ArrayList<>();
  }
}
