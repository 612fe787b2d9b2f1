package dev.pulse.operator.api;

/** How the aggregator verifies the serving certificates of kubelets. */
public enum KubeletTlsMode {
  /** Against the cluster CA the pod's service account receives. */
  ClusterCA,
  /** Against a CA bundle from a Secret, for kubelets whose serving certificates another CA signs. */
  CustomCA,
  /** Not at all: an explicit opt-out for test clusters whose kubelets have self-signed certificates. */
  Insecure
}
