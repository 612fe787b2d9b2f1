package dev.pulse.metrics.api.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Label key and value checks of {@code k8s.io/apimachinery/pkg/api/validate/content} (kube.go, dns.go,
 * errors.go), which {@code validation.IsQualifiedName} and {@code IsValidLabelValue} delegate to. The
 * texts are part of the API server's error messages, so they are reproduced word for word.
 */
final class LabelValidation {

  private static final String LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String LABEL_KEY_ERR = "must consist of alphanumeric characters, '-', '_' or '.', "
      + "and must start and end with an alphanumeric character";
  private static final int LABEL_KEY_MAX_BYTES = 63;

  private static final String LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?";
  private static final String LABEL_VALUE_ERR = "a valid label must be an empty string or consist of "
      + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  private static final int LABEL_VALUE_MAX_BYTES = 63;

  private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  private static final String DNS1123_SUBDOMAIN_ERR = "a lowercase RFC 1123 subdomain must consist of lower "
      + "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  private static final int DNS1123_SUBDOMAIN_MAX_BYTES = 253;

  // Always used with matches(): Java's '$' would also accept a trailing line terminator, RE2's does not.
  private static final Pattern LABEL_KEY = Pattern.compile(LABEL_KEY_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);

  private LabelValidation() {
  }

  /** {@code content.IsLabelKey}: an optional DNS subdomain prefix, a '/', and a name. */
  static List<String> labelKeyErrors(String key) {
    List<String> errors = new ArrayList<>();
    String[] parts = key.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          errors.add("prefix part must be non-empty");
        } else {
          dns1123SubdomainErrors(prefix).forEach(e -> errors.add("prefix part " + e));
        }
      }
      default -> {
        return List.of("a valid label key " + regexError(LABEL_KEY_ERR, LABEL_KEY_FMT,
            "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      }
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else if (GoText.byteLength(name) > LABEL_KEY_MAX_BYTES) {
      errors.add("name part " + maxLenError(LABEL_KEY_MAX_BYTES));
    }
    if (!LABEL_KEY.matcher(name).matches()) {
      errors.add("name part " + regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, "MyName", "my.name", "123-abc"));
    }
    return errors;
  }

  /** {@code content.IsLabelValue}. */
  static List<String> labelValueErrors(String value) {
    List<String> errors = new ArrayList<>();
    if (GoText.byteLength(value) > LABEL_VALUE_MAX_BYTES) {
      errors.add(maxLenError(LABEL_VALUE_MAX_BYTES));
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errors.add(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
    }
    return errors;
  }

  private static List<String> dns1123SubdomainErrors(String value) {
    List<String> errors = new ArrayList<>();
    if (GoText.byteLength(value) > DNS1123_SUBDOMAIN_MAX_BYTES) {
      errors.add(maxLenError(DNS1123_SUBDOMAIN_MAX_BYTES));
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errors.add(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"));
    }
    return errors;
  }

  private static String maxLenError(int bytes) {
    return "must be no more than " + bytes + " bytes";
  }

  private static String regexError(String message, String regex, String... examples) {
    StringBuilder out = new StringBuilder(message).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        out.append(" or ");
      }
      out.append('\'').append(examples[i]).append("', ");
    }
    return out.append("regex used for validation is '").append(regex).append("')").toString();
  }
}
