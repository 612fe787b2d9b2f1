package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.pulse.operator.model.Durations;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * Lifetimes of the operator-issued certificates. The CA outlives many serving certificates, so it
 * rarely rotates; when it does, the old CA stays in the APIService's bundle until it expires.
 */
@ValidationRule(
    value = "!has(self.validity) || !has(self.renewBefore) || duration(self.renewBefore) < duration(self.validity)",
    message = "certificates.renewBefore must be shorter than certificates.validity, or the certificate"
        + " would be renewed as soon as it is issued",
    fieldPath = ".renewBefore")
@ValidationRule(
    value = "!has(self.validity) || !has(self.caValidity) || duration(self.validity) < duration(self.caValidity)",
    message = "certificates.caValidity must be longer than certificates.validity: the CA signs"
        + " serving certificates for its whole life",
    fieldPath = ".caValidity")
public final class CertificatesSpec {

  public static final String DEFAULT_VALIDITY = "8760h";
  public static final String DEFAULT_RENEW_BEFORE = "720h";
  public static final String DEFAULT_CA_VALIDITY = "43800h";

  @Default(DEFAULT_VALIDITY)
  @Size(max = 32)
  @Pattern(Durations.PATTERN)
  @ValidationRule(value = "duration(self) >= duration('1h')", message = "certificates.validity must be at least 1h")
  @JsonPropertyDescription("Lifetime of the serving certificate, as a Go duration. Default: "
      + DEFAULT_VALIDITY + " (one year).")
  private String validity;

  @Default(DEFAULT_RENEW_BEFORE)
  @Size(max = 32)
  @Pattern(Durations.PATTERN)
  @ValidationRule(value = "duration(self) >= duration('1m')", message = "certificates.renewBefore must be at least 1m")
  @JsonPropertyDescription("How long before expiry a certificate (serving or CA) is replaced. Default: "
      + DEFAULT_RENEW_BEFORE + " (30 days).")
  private String renewBefore;

  @Default(DEFAULT_CA_VALIDITY)
  @Size(max = 32)
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Lifetime of the CA, as a Go duration. Default: " + DEFAULT_CA_VALIDITY
      + " (five years).")
  private String caValidity;

  public String getValidity() {
    return Objects.requireNonNullElse(validity, DEFAULT_VALIDITY);
  }

  public void setValidity(String validity) {
    this.validity = validity;
  }

  public String getRenewBefore() {
    return Objects.requireNonNullElse(renewBefore, DEFAULT_RENEW_BEFORE);
  }

  public void setRenewBefore(String renewBefore) {
    this.renewBefore = renewBefore;
  }

  public String getCaValidity() {
    return Objects.requireNonNullElse(caValidity, DEFAULT_CA_VALIDITY);
  }

  public void setCaValidity(String caValidity) {
    this.caValidity = caValidity;
  }
}
