package dev.pulse.metrics.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An Accept header split into media ranges in the order the API server tries them
 * ({@code goautoneg.ParseAccept}): by quality, then concrete types before wildcards, otherwise as
 * the client listed them.
 */
public final class AcceptClauses {

  /** One media range: {@code type/subtype} and its parameters other than {@code q}. */
  public record Clause(String type, String subType, double q, Map<String, String> params) {

    /** Whether this range admits {@code type/subType}. */
    public boolean admits(String wantedType, String wantedSubType) {
      return (type.equals("*") || type.equals(wantedType)) && (subType.equals("*") || subType.equals(wantedSubType));
    }
  }

  private AcceptClauses() {}

  /** A missing or empty header accepts anything, as Go's handlers read it. */
  public static List<Clause> parse(String accept) {
    List<Clause> clauses = new ArrayList<>();
    String header = accept == null || accept.isBlank() ? "*/*" : accept;
    for (String range : header.split(",")) {
      String[] parts = range.split(";");
      String[] types = parts[0].trim().toLowerCase(Locale.ROOT).split("/", 2);
      String type;
      String subType;
      if (types.length == 2) {
        type = types[0];
        subType = types[1];
      } else if (types[0].equals("*")) {
        type = "*";
        subType = "*";
      } else {
        continue;
      }
      double q = 1;
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].split("=", 2);
        String key = kv[0].trim();
        String value = kv.length == 2 ? kv[1].trim() : "";
        if (key.equals("q")) {
          q = quality(value);
        } else {
          params.put(key, value);
        }
      }
      clauses.add(new Clause(type, subType, q, params));
    }
    clauses.sort(Comparator.comparingDouble(Clause::q).reversed()
        .thenComparing(c -> c.type().equals("*"))
        .thenComparing(c -> c.subType().equals("*")));
    return clauses;
  }

  private static double quality(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
