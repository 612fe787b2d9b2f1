package dev.pulse.metrics.api.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A parsed {@code fieldSelector} query parameter with the semantics of
 * {@code k8s.io/apimachinery/pkg/fields.ParseSelector}: comma-separated {@code field=value},
 * {@code field==value} and {@code field!=value} terms, where {@code \}, {@code ,} and {@code =} inside a
 * value are escaped with a backslash.
 */
public final class FieldSelector {

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  private static final String[] OPERATORS = {"!=", "==", "="};

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  /**
   * Parses {@code query} exactly as the API server does. {@code null} and the empty string select
   * everything; unlike label selectors, whitespace is not skipped, so {@code " "} is rejected as Go does.
   *
   * @throws SelectorException with the API server's message when the query is invalid
   */
  public static FieldSelector parse(String query) throws SelectorException {
    if (query == null) {
      return EVERYTHING;
    }
    List<String> parts = splitTerms(query);
    // Go sorts the raw terms before looking at them, which also decides which error is reported.
    parts.sort(GoText.BYTE_ORDER);
    List<Term> parsed = new ArrayList<>();
    for (String part : parts) {
      if (part.isEmpty()) {
        continue;
      }
      Term term = splitTerm(part);
      if (term == null) {
        throw new SelectorException("invalid selector: '" + query + "'; can't understand '" + part + "'");
      }
      // Go's Transform step turns a term with empty field and value into "everything" and drops it.
      if (!term.field().isEmpty() || !term.value().isEmpty()) {
        parsed.add(term);
      }
    }
    return parsed.isEmpty() ? EVERYTHING : new FieldSelector(List.copyOf(parsed));
  }

  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Rejects terms on any field but {@code metadata.name} and {@code metadata.namespace}, as the API server's
   * {@code runtime.DefaultMetaV1FieldSelectorConversion} does for kinds without field label conversions (the
   * metrics.k8s.io kinds have none). Terms are checked in Go's order, which decides the field named.
   *
   * @throws SelectorException with the API server's message
   */
  public FieldSelector requireObjectMetaFields() throws SelectorException {
    for (Term term : terms) {
      if (!term.field().equals("metadata.name") && !term.field().equals("metadata.namespace")) {
        throw new SelectorException(GoText.quote(term.field())
            + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
      }
    }
    return this;
  }

  /** Whether every term holds; a field missing from {@code fields} compares as the empty string. */
  public boolean matches(Map<String, String> fields) {
    Map<String, String> present = fields == null ? Map.of() : fields;
    return terms.stream().allMatch(t -> t.value().equals(present.getOrDefault(t.field(), "")) != t.negated());
  }

  public boolean isEverything() {
    return terms.isEmpty();
  }

  /** Go's {@code Selector.String()}: terms in sorted order with values re-escaped. */
  @Override
  public String toString() {
    return terms.stream().map(Term::toString).collect(Collectors.joining(","));
  }

  private record Term(String field, boolean negated, String value) {

    @Override
    public String toString() {
      return field + (negated ? "!=" : "=") + escape(value);
    }
  }

  /** Splits at commas that are not escaped; escapes stay in place for {@link #unescape} to resolve. */
  private static List<String> splitTerms(String selector) {
    List<String> terms = new ArrayList<>();
    int start = 0;
    boolean escaped = false;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',') {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms;
  }

  /** Splits at the first operator; field names cannot escape operator characters. */
  private static Term splitTerm(String term) throws SelectorException {
    for (int i = 0; i < term.length(); i++) {
      for (String operator : OPERATORS) {
        if (term.startsWith(operator, i)) {
          String value = unescape(term.substring(i + operator.length()));
          return new Term(term.substring(0, i), operator.equals("!="), value);
        }
      }
    }
    return null;
  }

  /** Go's {@code fields.UnescapeValue}. */
  private static String unescape(String value) throws SelectorException {
    StringBuilder out = new StringBuilder(value.length());
    boolean escaped = false;
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      if (escaped) {
        if (c != '\\' && c != ',' && c != '=') {
          throw new SelectorException("invalid field selector: invalid escape sequence: \\"
              + Character.toString(c));
        }
        out.appendCodePoint(c);
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',' || c == '=') {
        // Go formats the rune with %v, which prints its code point number.
        throw new SelectorException("invalid field selector: unescaped character in value: " + c);
      } else {
        out.appendCodePoint(c);
      }
    }
    if (escaped) {
      throw new SelectorException("invalid field selector: invalid escape sequence: \\");
    }
    return out.toString();
  }

  /** Go's {@code fields.EscapeValue}. */
  private static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == ',' || c == '=') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
