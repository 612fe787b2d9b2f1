package dev.pulse.operator.dependent;

import dev.pulse.operator.api.KubeletSpec;
import dev.pulse.operator.api.KubeletTlsMode;
import dev.pulse.operator.api.KubeletTlsSpec;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineSpec;
import dev.pulse.operator.api.NodeAddressType;
import dev.pulse.operator.api.SecretKeyReference;
import dev.pulse.operator.model.AggregatorFlags;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.model.PodSecurity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The aggregator: {@code pulse-aggregator} (the image's entry point) with flags derived from the
 * spec, serving the operator-issued certificate, in pods that meet the restricted Pod Security
 * Standard.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class DeploymentDependentResource extends CRUDKubernetesDependentResource<Deployment, MetricsPipeline> {

  public static final String PORT_NAME = "https";
  /** Without it a pod on the host's network resolves names with the node's resolver, not cluster DNS. */
  static final String HOST_NETWORK_DNS_POLICY = "ClusterFirstWithHostNet";

  static final String SERVING_DIR = "/etc/pulse/serving";
  static final String KUBELET_CA_DIR = "/etc/pulse/kubelet-ca";
  static final String KUBELET_CA_FILE = "ca.crt";
  /** The JVM and Vert.x write temporary files; the root filesystem is read-only. */
  static final String TMP_DIR = "/tmp";

  private static final String SERVING_VOLUME = "serving-cert";
  private static final String KUBELET_CA_VOLUME = "kubelet-ca";
  private static final String TMP_VOLUME = "tmp";
  /** Owner and group read: the files are group-owned by the pod's fsGroup. */
  private static final int SECRET_FILE_MODE = 0440;

  @Override
  protected Deployment desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    ReconcileInputs inputs = ReconcileInputs.of(context);
    return desired(pipeline, inputs.defaultImage(), inputs.tls().serving().sha256(), inputs.autoSized());
  }

  /** Without spec.autoSize. */
  public static Deployment desired(MetricsPipeline pipeline, String defaultImage, String servingCertificateHash) {
    return desired(pipeline, defaultImage, servingCertificateHash, Optional.empty());
  }

  /**
   * @param defaultImage the aggregator image released with the operator, used unless the spec
   *     names one
   * @param servingCertificateHash changes whenever the serving certificate does, rolling the pods
   * @param autoSized what spec.autoSize computed, used unless spec.resources is set
   */
  public static Deployment desired(MetricsPipeline pipeline, String defaultImage, String servingCertificateHash,
      Optional<ResourceRequirements> autoSized) {
    MetricsPipelineSpec spec = pipeline.getSpec();
    boolean highlyAvailable = spec.getReplicas() >= 2;
    PodSpecBuilder pod = new PodSpecBuilder()
        .withServiceAccountName(Names.SERVICE_ACCOUNT)
        .withAutomountServiceAccountToken(true)
        .withPriorityClassName(spec.getPriorityClassName())
        .withNodeSelector(spec.getNodeSelector() != null ? spec.getNodeSelector() : Map.of("kubernetes.io/os", "linux"))
        .withTolerations(spec.getTolerations())
        .withImagePullSecrets(Objects.requireNonNullElse(spec.getImagePullSecrets(), List.of()))
        .withTopologySpreadConstraints(topologySpreadConstraints(pipeline))
        .withSecurityContext(PodSecurity.pod())
        .withContainers(container(spec, defaultImage, autoSized))
        .withVolumes(volumes(spec));
    if (spec.getHostNetwork()) {
      pod.withHostNetwork(true).withDnsPolicy(HOST_NETWORK_DNS_POLICY);
    }
    if (spec.getAffinity() != null) {
      // Replaces the anti-affinity below: merging would leave users unable to relax it.
      pod.withAffinity(spec.getAffinity());
    } else if (highlyAvailable) {
      // Required, as in metrics-server's HA manifests: two replicas on one node survive nothing.
      pod.withAffinity(new AffinityBuilder()
          .withNewPodAntiAffinity()
          .addNewRequiredDuringSchedulingIgnoredDuringExecution()
          .withNewLabelSelector().withMatchLabels(Names.selector(pipeline)).endLabelSelector()
          .withTopologyKey("kubernetes.io/hostname")
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .endPodAntiAffinity()
          .build());
    }
    Deployment deployment = new DeploymentBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.DEPLOYMENT, Component.AGGREGATOR))
        .withNewSpec()
        .withReplicas(spec.getReplicas())
        .withNewSelector().withMatchLabels(Names.selector(pipeline)).endSelector()
        // One replica: surge first, never go below one serving pod. Several, spread one per node:
        // a surge pod may find no free node, so allow one down at a time.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(1))
        .withMaxUnavailable(new IntOrString(highlyAvailable ? 1 : 0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels(pipeline))
        .withAnnotations(podAnnotations(spec, servingCertificateHash))
        .endMetadata()
        .withSpec(pod.build())
        .endTemplate()
        .endSpec()
        .build();
    return new DeploymentBuilder(deployment)
        .editMetadata().addToAnnotations(Names.DESIRED_SPEC_HASH_ANNOTATION, specHash(deployment)).endMetadata()
        .build();
  }

  /**
   * JOSDK's matcher ignores what only the live object has, so a setting removed from the pipeline
   * (an affinity, a pod label, a toleration, hostNetwork) would leave a Deployment that still
   * "matches". The hash of the desired spec changes with any of them and forces the update, which
   * replaces the whole spec. On the Deployment, not the pod template: pods roll only when the
   * template itself changes.
   */
  static String specHash(Deployment deployment) {
    try {
      byte[] spec = Serialization.asJson(deployment.getSpec()).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spec));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The user's labels under the operator's: admission rejects the operator's keys, and this order
   * keeps the selector intact for a pipeline stored before that rule existed.
   */
  static Map<String, String> podLabels(MetricsPipeline pipeline) {
    Map<String, String> labels = new TreeMap<>();
    if (pipeline.getSpec().getPodLabels() != null) {
      labels.putAll(pipeline.getSpec().getPodLabels());
    }
    labels.putAll(Names.labels(pipeline, Component.AGGREGATOR));
    return labels;
  }

  static Map<String, String> podAnnotations(MetricsPipelineSpec spec, String servingCertificateHash) {
    Map<String, String> annotations = new TreeMap<>();
    if (spec.getPodAnnotations() != null) {
      annotations.putAll(spec.getPodAnnotations());
    }
    annotations.put(Names.SERVING_CERT_HASH_ANNOTATION, servingCertificateHash);
    annotations.put(Names.DEFAULT_CONTAINER_ANNOTATION, Names.CONTAINER);
    return annotations;
  }

  /** A constraint without a selector would count no pods: it gets the aggregator pods' selector. */
  static List<TopologySpreadConstraint> topologySpreadConstraints(MetricsPipeline pipeline) {
    List<TopologySpreadConstraint> constraints = pipeline.getSpec().getTopologySpreadConstraints();
    return Objects.requireNonNullElse(constraints, List.<TopologySpreadConstraint>of()).stream()
        .map(constraint -> constraint.getLabelSelector() != null ? constraint
            : new TopologySpreadConstraintBuilder(constraint)
                .withNewLabelSelector().withMatchLabels(Names.selector(pipeline)).endLabelSelector()
                .build())
        .toList();
  }

  /** The aggregator's flags: serving first, then the spec's, then {@code extraArgs} verbatim. */
  public static List<String> args(MetricsPipelineSpec spec) {
    KubeletSpec kubelet = spec.getKubelet();
    List<String> args = new ArrayList<>();
    args.add(AggregatorFlags.SECURE_PORT + "=" + spec.getSecurePort());
    args.add(AggregatorFlags.TLS_CERT_FILE + "=" + SERVING_DIR + "/" + ServingSecretDependentResource.CERTIFICATE);
    args.add(AggregatorFlags.TLS_PRIVATE_KEY_FILE + "=" + SERVING_DIR + "/" + ServingSecretDependentResource.KEY);
    args.add(AggregatorFlags.METRIC_RESOLUTION + "=" + spec.getMetricResolution());
    args.add(AggregatorFlags.KUBELET_PORT + "=" + kubelet.getPort());
    if (kubelet.getUseNodeStatusPort()) {
      args.add(AggregatorFlags.KUBELET_USE_NODE_STATUS_PORT);
    }
    args.add(AggregatorFlags.KUBELET_PREFERRED_ADDRESS_TYPES + "=" + kubelet.getPreferredAddressTypes().stream()
        .map(NodeAddressType::name).collect(Collectors.joining(",")));
    args.add(AggregatorFlags.KUBELET_REQUEST_TIMEOUT + "=" + kubelet.getRequestTimeout());
    // ClusterCA needs no flag: the aggregator's default is the service account's ca.crt.
    if (kubeletCa(spec).isPresent()) {
      args.add(AggregatorFlags.KUBELET_CERTIFICATE_AUTHORITY + "=" + KUBELET_CA_DIR + "/" + KUBELET_CA_FILE);
    } else if (kubelet.getTls().getMode() == KubeletTlsMode.Insecure) {
      args.add(AggregatorFlags.KUBELET_INSECURE_TLS);
    }
    if (spec.getNodeSelectorForScraping() != null && !spec.getNodeSelectorForScraping().isEmpty()) {
      args.add(AggregatorFlags.NODE_SELECTOR + "=" + spec.getNodeSelectorForScraping());
    }
    args.addAll(spec.getExtraArgs());
    return args;
  }

  /**
   * Measured with `make bench` (metrics-core/README.md): about 190 MiB resident for a handful of
   * nodes, about 400 MiB and 45m of CPU at 1,000 nodes of 30 pods. The request fits a small
   * cluster; the limit, which also sizes the JVM's heap, holds 1,000 nodes.
   */
  static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("200Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .build();
  }

  private static Container container(MetricsPipelineSpec spec, String defaultImage,
      Optional<ResourceRequirements> autoSized) {
    return new ContainerBuilder()
        .withName(Names.CONTAINER)
        .withImage(spec.getImage() != null ? spec.getImage() : defaultImage)
        .withImagePullPolicy(spec.getImagePullPolicy() != null ? spec.getImagePullPolicy().name() : null)
        .withArgs(args(spec))
        // On the host's network the API server would default hostPort to the same; said here, the
        // object the operator applies is the one that runs.
        .addNewPort().withName(PORT_NAME).withContainerPort(spec.getSecurePort())
        .withHostPort(spec.getHostNetwork() ? spec.getSecurePort() : null).withProtocol("TCP").endPort()
        // /livez fails when scraping stalls; /readyz until metrics can be served. The startup probe
        // gives the JVM time to start before liveness counts.
        .withStartupProbe(probe("/livez", 5, 24))
        .withLivenessProbe(probe("/livez", 10, 3))
        .withReadinessProbe(probe("/readyz", 10, 3))
        .withResources(spec.getResources() != null ? spec.getResources() : autoSized.orElseGet(
            DeploymentDependentResource::defaultResources))
        .withSecurityContext(PodSecurity.container())
        .withVolumeMounts(volumeMounts(spec))
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withHttpGet(new HTTPGetActionBuilder()
            .withPath(path).withPort(new IntOrString(PORT_NAME)).withScheme("HTTPS").build())
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        // A 1s timeout restarts a JVM that pauses for GC (gardener#15636 with metrics-server).
        .withTimeoutSeconds(5)
        .build();
  }

  private static List<Volume> volumes(MetricsPipelineSpec spec) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder()
        .withName(SERVING_VOLUME)
        .withNewSecret()
        .withSecretName(Names.SERVING_SECRET)
        .withDefaultMode(SECRET_FILE_MODE)
        .addNewItem().withKey(ServingSecretDependentResource.CERTIFICATE)
        .withPath(ServingSecretDependentResource.CERTIFICATE).endItem()
        .addNewItem().withKey(ServingSecretDependentResource.KEY).withPath(ServingSecretDependentResource.KEY).endItem()
        .endSecret()
        .build());
    kubeletCa(spec).ifPresent(ca -> volumes.add(new VolumeBuilder()
        .withName(KUBELET_CA_VOLUME)
        .withNewSecret()
        .withSecretName(ca.getName())
        .withDefaultMode(SECRET_FILE_MODE)
        .addNewItem().withKey(ca.getKey()).withPath(KUBELET_CA_FILE).endItem()
        .endSecret()
        .build()));
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().withSizeLimit(new Quantity("64Mi"))
        .endEmptyDir().build());
    return volumes;
  }

  private static List<VolumeMount> volumeMounts(MetricsPipelineSpec spec) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName(SERVING_VOLUME).withMountPath(SERVING_DIR).withReadOnly(true).build());
    if (kubeletCa(spec).isPresent()) {
      mounts.add(new VolumeMountBuilder().withName(KUBELET_CA_VOLUME).withMountPath(KUBELET_CA_DIR).withReadOnly(true)
          .build());
    }
    mounts.add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath(TMP_DIR).build());
    return mounts;
  }

  /** The kubelet CA to mount; the CRD guarantees one exactly when the mode is CustomCA. */
  private static Optional<SecretKeyReference> kubeletCa(MetricsPipelineSpec spec) {
    KubeletTlsSpec tls = spec.getKubelet().getTls();
    return tls.getMode() == KubeletTlsMode.CustomCA ? Optional.ofNullable(tls.getCaSecretRef()) : Optional.empty();
  }
}
