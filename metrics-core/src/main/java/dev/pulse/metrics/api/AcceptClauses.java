package dev.pulse.metrics.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Accept header split into media ranges in the order the API server tries them: goautoneg's
 * parsing and ordering, which every negotiating endpoint shares (resources, errors, discovery,
 * OpenAPI). A missing or empty header accepts anything, as Go's handlers read it.
 */
public final class AcceptClauses {

  /** One media range: {@code type/subtype} and its parameters other than {@code q}. */
  public record Clause(String type, String subtype, double q, Map<String, String> params) {

    /** Whether this range admits {@code type/subtype}. */
    public boolean admits(String wantedType, String wantedSubtype) {
      return (type.equals("*") || type.equals(wantedType)) && (subtype.equals("*") || subtype.equals(wantedSubtype));
    }
  }

  private AcceptClauses() {}

  /**
   * goautoneg's ParseAccept: ranges without a subtype dropped (but {@code *}), a q that does not
   * parse is 0, and its insertion sort by a comparison that puts higher q first but also any
   * concrete type or subtype before a wildcard: what Go's sort does with up to 12 clauses.
   */
  public static List<Clause> parse(String accept) {
    if (accept == null || accept.isBlank()) {
      accept = "*/*";
    }
    List<Clause> clauses = new ArrayList<>();
    for (String part : accept.split(",", -1)) {
      part = trimSpaces(part);
      if (part.isEmpty()) {
        continue;
      }
      String[] typeAndParams = part.split(";", 2);
      String[] types = typeAndParams[0].split("/", -1);
      String type = trimSpaces(types[0]);
      String subtype;
      if (types.length == 1) {
        if (!type.equals("*")) {
          continue;
        }
        subtype = "*";
      } else if (types.length == 2) {
        subtype = trimSpaces(types[1]);
      } else {
        continue;
      }
      double q = 1.0;
      Map<String, String> params = new HashMap<>();
      if (typeAndParams.length == 2) {
        for (String param : typeAndParams[1].split(";", -1)) {
          String[] kv = param.split("=", -1);
          if (kv.length != 2) {
            continue;
          }
          String key = trimSpaces(kv[0]);
          if (key.equals("q")) {
            q = goFloat32(kv[1]);
          } else {
            params.put(key, trimSpaces(kv[1]));
          }
        }
      }
      clauses.add(new Clause(type, subtype, q, params));
    }
    for (int i = 1; i < clauses.size(); i++) {
      for (int j = i; j > 0 && less(clauses.get(j), clauses.get(j - 1)); j--) {
        clauses.set(j - 1, clauses.set(j, clauses.get(j - 1)));
      }
    }
    return clauses;
  }

  private static boolean less(Clause a, Clause b) {
    return a.q() > b.q() || !a.type().equals("*") && b.type().equals("*")
        || !a.subtype().equals("*") && b.subtype().equals("*");
  }

  /**
   * {@code strconv.ParseFloat(s, 32)} with its error ignored, as goautoneg does: 0 for text that is
   * not a number, infinity for one out of range.
   */
  private static double goFloat32(String text) {
    return text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?") ? Float.parseFloat(text) : 0;
  }

  /** Go's {@code strings.TrimFunc(s, r == ' ')}: spaces only, not tabs. */
  static String trimSpaces(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(start, end);
  }
}
