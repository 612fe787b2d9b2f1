package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** How kubelet serving certificates are verified. */
@ValidationRule(value = "!has(self.mode) || self.mode != 'CustomCA' || has(self.caSecretRef)",
    message = "kubelet.tls.caSecretRef is required when kubelet.tls.mode is CustomCA",
    fieldPath = ".caSecretRef")
@ValidationRule(value = "(has(self.mode) && self.mode == 'CustomCA') || !has(self.caSecretRef)",
    message = "kubelet.tls.caSecretRef is only read with kubelet.tls.mode CustomCA: remove it, or set"
        + " mode CustomCA (Insecure never verifies, ClusterCA uses the cluster CA)",
    fieldPath = ".caSecretRef")
public final class KubeletTlsSpec {

  @Default("ClusterCA")
  @JsonPropertyDescription("ClusterCA: verify against the cluster CA (default). CustomCA: verify"
      + " against caSecretRef, for kubelets with certificates from another CA. Insecure: do not verify,"
      + " for test clusters whose kubelets have self-signed certificates without IP SANs; prefer"
      + " serverTLSBootstrap on the kubelets.")
  private KubeletTlsMode mode;

  @JsonPropertyDescription("PEM CA bundle that signs the kubelets' serving certificates; with mode"
      + " CustomCA only.")
  private SecretKeyReference caSecretRef;

  public KubeletTlsMode getMode() {
    return Objects.requireNonNullElse(mode, KubeletTlsMode.ClusterCA);
  }

  public void setMode(KubeletTlsMode mode) {
    this.mode = mode;
  }

  public SecretKeyReference getCaSecretRef() {
    return caSecretRef;
  }

  public void setCaSecretRef(SecretKeyReference caSecretRef) {
    this.caSecretRef = caSecretRef;
  }
}
