package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A key of a Secret in the pipeline's namespace. */
public final class SecretKeyReference {

  static final String DEFAULT_KEY = "ca.crt";

  @Required
  @Size(min = 1, max = 253)
  @Pattern(ApiPatterns.DNS1123_SUBDOMAIN)
  @JsonPropertyDescription("Name of the Secret, in spec.namespace.")
  private String name;

  @Default(DEFAULT_KEY)
  @Size(min = 1, max = 253)
  @Pattern(ApiPatterns.SECRET_KEY)
  @JsonPropertyDescription("Key holding the PEM data. Default: " + DEFAULT_KEY + ".")
  private String key;

  public SecretKeyReference() {}

  public SecretKeyReference(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return Objects.requireNonNullElse(key, DEFAULT_KEY);
  }

  public void setKey(String key) {
    this.key = key;
  }
}
