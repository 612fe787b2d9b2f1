package dev.pulse.metrics.api;

import java.util.Locale;

/**
 * The representation a client asked for in its Accept header. {@code kubectl get} asks for a
 * {@code meta.k8s.io} Table and falls back to JSON; everything else wants JSON.
 */
public enum Output {
  JSON(null),
  TABLE_V1("meta.k8s.io/v1"),
  TABLE_V1BETA1("meta.k8s.io/v1beta1");

  /** The Table's apiVersion, null for plain objects. */
  public final String tableApiVersion;

  Output(String tableApiVersion) {
    this.tableApiVersion = tableApiVersion;
  }

  /** What Pulse answers with when the client accepts nothing it can produce. */
  public static final String SUPPORTED = "application/json, application/json;as=Table;v=v1;g=meta.k8s.io";

  /** The first acceptable representation in the client's order of preference, or null. */
  public static Output negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return JSON;
    }
    for (String range : accept.split(",")) {
      Output o = match(range);
      if (o != null) {
        return o;
      }
    }
    return null;
  }

  private static Output match(String range) {
    String[] parts = range.split(";");
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    String as = null;
    String version = null;
    String group = null;
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      if (kv.length != 2) {
        continue;
      }
      String value = kv[1].trim();
      switch (kv[0].trim()) {
        case "as" -> as = value;
        case "v" -> version = value;
        case "g" -> group = value;
        default -> { }
      }
    }
    if (!type.equals("application/json") && !type.equals("application/*") && !type.equals("*/*")) {
      return null;
    }
    if (as == null) {
      return JSON;
    }
    if (as.equals("Table") && "meta.k8s.io".equals(group)) {
      if ("v1".equals(version)) {
        return TABLE_V1;
      }
      if ("v1beta1".equals(version)) {
        return TABLE_V1BETA1;
      }
    }
    return null;
  }
}
