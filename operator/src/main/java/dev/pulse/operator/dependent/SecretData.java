package dev.pulse.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Secret {@code data} is base64 on the wire; these read and write it as text. */
final class SecretData {

  private SecretData() {}

  static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The decoded value of {@code key}, empty when absent or not base64. */
  static Optional<String> read(Secret secret, String key) {
    String value = secret.getData() == null ? null : secret.getData().get(key);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
