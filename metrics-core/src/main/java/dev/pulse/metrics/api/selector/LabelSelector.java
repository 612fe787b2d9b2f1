package dev.pulse.metrics.api.selector;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A parsed {@code labelSelector} query parameter with the semantics of
 * {@code k8s.io/apimachinery/pkg/labels.Parse}: a conjunction of requirements using {@code =}, {@code ==},
 * {@code !=}, {@code in}, {@code notin}, {@code >}, {@code <}, bare keys (exists) and {@code !key}.
 */
public final class LabelSelector {

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * Parses {@code query} exactly as the API server does. {@code null} selects everything, as does any
   * input the Go parser reduces to no requirements (empty, or only spaces, tabs and line breaks).
   *
   * @throws SelectorException with the API server's message when the query is invalid
   */
  public static LabelSelector parse(String query) throws SelectorException {
    if (query == null) {
      return EVERYTHING;
    }
    List<Requirement> parsed = LabelSelectorParser.parse(query);
    return parsed.isEmpty() ? EVERYTHING : new LabelSelector(parsed);
  }

  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /** Whether every requirement holds for {@code labels}; {@code null} means an object without labels. */
  public boolean matches(Map<String, String> labels) {
    Map<String, String> present = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.matches(present));
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /** The canonical form Go's {@code Selector.String()} prints: requirements ordered by key. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  enum Operator {
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    IN(" in "),
    NOT_IN(" notin "),
    GREATER_THAN(">"),
    LESS_THAN("<"),
    EXISTS(""),
    DOES_NOT_EXIST("");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }
  }

  /**
   * One term of the selector. {@code values} is sorted and free of duplicates, as Go's string set
   * hands it over, and a {@code >}/{@code <} value is known to be an integer.
   */
  record Requirement(String key, Operator operator, List<String> values) {

    boolean matches(Map<String, String> labels) {
      boolean has = labels.containsKey(key);
      return switch (operator) {
        case EQUALS, DOUBLE_EQUALS, IN -> has && values.contains(labels.get(key));
        case NOT_EQUALS, NOT_IN -> !has || !values.contains(labels.get(key));
        case EXISTS -> has;
        case DOES_NOT_EXIST -> !has;
        case GREATER_THAN, LESS_THAN -> has && compares(labels.get(key));
      };
    }

    private boolean compares(String labelValue) {
      OptionalLong actual = GoText.parseInt64(labelValue);
      if (actual.isEmpty()) {
        return false;
      }
      long bound = GoText.parseInt64(values.get(0)).orElseThrow();
      return operator == Operator.GREATER_THAN ? actual.getAsLong() > bound : actual.getAsLong() < bound;
    }

    @Override
    public String toString() {
      return switch (operator) {
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
        case IN, NOT_IN -> key + operator.symbol + "(" + String.join(",", values) + ")";
        default -> key + operator.symbol + values.get(0);
      };
    }
  }
}
