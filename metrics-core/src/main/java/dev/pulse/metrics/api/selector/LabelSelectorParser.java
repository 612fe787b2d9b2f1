package dev.pulse.metrics.api.selector;

import dev.pulse.metrics.api.selector.LabelSelector.Operator;
import dev.pulse.metrics.api.selector.LabelSelector.Requirement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Port of the lexer and recursive-descent parser in {@code k8s.io/apimachinery/pkg/labels/selector.go},
 * including the checks {@code NewRequirement} applies to parsed requirements. The control flow follows
 * the Go code closely because clients see which check fails first through the error message.
 */
final class LabelSelectorParser {

  private enum Token {
    END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER,
    IN, LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR
  }

  /** Where a token is read decides whether {@code in}/{@code notin} are operators or plain values. */
  private enum Context {
    KEY_AND_OPERATOR, VALUES
  }

  private record Item(Token token, String literal) {
  }

  private static final Map<String, Token> SYMBOLS = Map.of(
      ")", Token.CLOSED_PAR,
      ",", Token.COMMA,
      "!", Token.DOES_NOT_EXIST,
      "==", Token.DOUBLE_EQUALS,
      "=", Token.EQUALS,
      ">", Token.GREATER_THAN,
      "<", Token.LESS_THAN,
      "!=", Token.NOT_EQUALS,
      "(", Token.OPEN_PAR);

  private static final Map<String, Token> KEYWORDS = Map.of("in", Token.IN, "notin", Token.NOT_IN);

  // Go's Parse is called without a field path, and fmt prints the nil *field.Path as "<nil>".
  private static final String NIL_PATH = "<nil>";

  private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

  private final List<Item> items;
  private int position;

  private LabelSelectorParser(List<Item> items) {
    this.items = items;
  }

  /** Returns the requirements ordered by key, or throws with the message Go's {@code labels.Parse} gives. */
  static List<Requirement> parse(String selector) throws SelectorException {
    List<Requirement> requirements = new LabelSelectorParser(new Lexer(selector).scan()).parseSelector();
    // Go's sort.Sort is stable only up to 12 elements (insertion sort). Beyond that, requirements that
    // share a key may print in another order than Go's; matching does not depend on the order.
    requirements.sort(Comparator.comparing(Requirement::key, GoText.BYTE_ORDER));
    return List.copyOf(requirements);
  }

  private List<Requirement> parseSelector() throws SelectorException {
    List<Requirement> requirements = new ArrayList<>();
    for (;;) {
      Item next = lookahead(Context.VALUES);
      switch (next.token()) {
        case IDENTIFIER, DOES_NOT_EXIST -> {
          requirements.add(parseRequirement());
          Item separator = consume(Context.VALUES);
          if (separator.token() == Token.END_OF_STRING) {
            return requirements;
          }
          if (separator.token() != Token.COMMA) {
            throw new SelectorException(
                "found '" + separator.literal() + "', expected: ',' or 'end of string'");
          }
          Item afterComma = lookahead(Context.VALUES);
          if (afterComma.token() != Token.IDENTIFIER && afterComma.token() != Token.DOES_NOT_EXIST) {
            throw new SelectorException(
                "found '" + afterComma.literal() + "', expected: identifier after ','");
          }
        }
        case END_OF_STRING -> {
          return requirements;
        }
        default -> throw new SelectorException(
            "found '" + next.literal() + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

  private Requirement parseRequirement() throws SelectorException {
    Item item = consume(Context.VALUES);
    boolean negated = item.token() == Token.DOES_NOT_EXIST;
    if (negated) {
      item = consume(Context.VALUES);
    }
    if (item.token() != Token.IDENTIFIER) {
      throw requirementError("found '" + item.literal() + "', expected: identifier");
    }
    String key = item.literal();
    List<String> keyErrors = LabelValidation.labelKeyErrors(key);
    if (!keyErrors.isEmpty()) {
      throw requirementError(invalid(NIL_PATH, key, String.join("; ", keyErrors)));
    }
    if (negated) {
      return new Requirement(key, Operator.DOES_NOT_EXIST, List.of());
    }
    Token following = lookahead(Context.VALUES).token();
    if (following == Token.END_OF_STRING || following == Token.COMMA) {
      return new Requirement(key, Operator.EXISTS, List.of());
    }
    Operator operator = parseOperator();
    List<String> values = operator == Operator.IN || operator == Operator.NOT_IN
        ? parseValues()
        : parseExactValue();
    return newRequirement(key, operator, values);
  }

  private Operator parseOperator() throws SelectorException {
    Item item = consume(Context.KEY_AND_OPERATOR);
    return switch (item.token()) {
      case IN -> Operator.IN;
      case EQUALS -> Operator.EQUALS;
      case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
      case GREATER_THAN -> Operator.GREATER_THAN;
      case LESS_THAN -> Operator.LESS_THAN;
      case NOT_IN -> Operator.NOT_IN;
      case NOT_EQUALS -> Operator.NOT_EQUALS;
      default -> throw requirementError("found '" + item.literal() + "', expected: " + BINARY_OPERATORS);
    };
  }

  private List<String> parseValues() throws SelectorException {
    Item open = consume(Context.VALUES);
    if (open.token() != Token.OPEN_PAR) {
      throw requirementError("found '" + open.literal() + "' expected: '('");
    }
    Item first = lookahead(Context.VALUES);
    switch (first.token()) {
      case IDENTIFIER, COMMA -> {
        List<String> values = parseIdentifiersList();
        consume(Context.VALUES); // the ')' that parseIdentifiersList stopped in front of
        return values;
      }
      case CLOSED_PAR -> {
        consume(Context.VALUES);
        return List.of("");
      }
      default -> throw requirementError(
          "found '" + first.literal() + "', expected: ',', ')' or identifier");
    }
  }

  /** Empty entries, as in {@code (,a)} or {@code (a,,b)}, stand for the empty value. */
  private List<String> parseIdentifiersList() throws SelectorException {
    SortedSet<String> values = new TreeSet<>(GoText.BYTE_ORDER);
    for (;;) {
      Item item = consume(Context.VALUES);
      switch (item.token()) {
        case IDENTIFIER -> {
          values.add(item.literal());
          Item next = lookahead(Context.VALUES);
          if (next.token() == Token.CLOSED_PAR) {
            return List.copyOf(values);
          }
          if (next.token() != Token.COMMA) {
            throw requirementError("found '" + next.literal() + "', expected: ',' or ')'");
          }
        }
        case COMMA -> {
          if (values.isEmpty()) {
            values.add("");
          }
          Token next = lookahead(Context.VALUES).token();
          if (next == Token.CLOSED_PAR) {
            values.add("");
            return List.copyOf(values);
          }
          if (next == Token.COMMA) {
            consume(Context.VALUES);
            values.add("");
          }
        }
        default -> throw requirementError(
            "found '" + item.literal() + "', expected: ',', or identifier");
      }
    }
  }

  private List<String> parseExactValue() throws SelectorException {
    Token next = lookahead(Context.VALUES).token();
    if (next == Token.END_OF_STRING || next == Token.COMMA) {
      return List.of("");
    }
    Item item = consume(Context.VALUES);
    if (item.token() != Token.IDENTIFIER) {
      throw requirementError("found '" + item.literal() + "', expected: identifier");
    }
    return List.of(item.literal());
  }

  /** The value checks of Go's {@code NewRequirement}; its other checks cannot fail for parsed input. */
  private static Requirement newRequirement(String key, Operator operator, List<String> values)
      throws SelectorException {
    List<String> errors = new ArrayList<>();
    if (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN) {
      for (int i = 0; i < values.size(); i++) {
        if (GoText.parseInt64(values.get(i)).isEmpty()) {
          errors.add(invalid("values[" + i + "]", values.get(i),
              "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
    }
    for (int i = 0; i < values.size(); i++) {
      List<String> valueErrors = LabelValidation.labelValueErrors(values.get(i));
      if (!valueErrors.isEmpty()) {
        errors.add(invalid("values[" + i + "][" + key + "]", values.get(i), String.join("; ", valueErrors)));
      }
    }
    if (errors.isEmpty()) {
      return new Requirement(key, operator, values);
    }
    // Go's error aggregate also drops repeated messages; here each one names a different field path.
    throw requirementError(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
  }

  /** Go's {@code field.Invalid(path, value, detail).Error()} for a string value. */
  private static String invalid(String path, String value, String detail) {
    return path + ": Invalid value: " + GoText.quote(value) + ": " + detail;
  }

  private static SelectorException requirementError(String detail) {
    return new SelectorException("unable to parse requirement: " + detail);
  }

  private Item lookahead(Context context) {
    return inContext(items.get(position), context);
  }

  private Item consume(Context context) {
    return inContext(items.get(position++), context);
  }

  private static Item inContext(Item item, Context context) {
    boolean keyword = item.token() == Token.IN || item.token() == Token.NOT_IN;
    return context == Context.VALUES && keyword ? new Item(Token.IDENTIFIER, item.literal()) : item;
  }

  /**
   * Go's lexer works on bytes, but every byte it treats specially is ASCII, so reading UTF-16 units gives
   * the same tokens. Go cannot tell a NUL character from the end of input; that quirk is kept.
   */
  private static final class Lexer {

    private final String input;
    private int pos;

    Lexer(String input) {
      this.input = input;
    }

    List<Item> scan() {
      List<Item> scanned = new ArrayList<>();
      Item item;
      do {
        item = lex();
        scanned.add(item);
      } while (item.token() != Token.END_OF_STRING);
      return scanned;
    }

    private Item lex() {
      char ch = read();
      while (isWhitespace(ch)) {
        ch = read();
      }
      if (ch == 0) {
        return new Item(Token.END_OF_STRING, "");
      }
      unread();
      return isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdentifierOrKeyword();
    }

    private Item scanIdentifierOrKeyword() {
      StringBuilder literal = new StringBuilder();
      for (char ch = read(); ch != 0; ch = read()) {
        if (isSpecialSymbol(ch) || isWhitespace(ch)) {
          unread();
          break;
        }
        literal.append(ch);
      }
      String text = literal.toString();
      return new Item(KEYWORDS.getOrDefault(text, Token.IDENTIFIER), text);
    }

    /** Takes the longest run of special characters that still forms a token, e.g. "!=" over "!". */
    private Item scanSpecialSymbol() {
      StringBuilder symbol = new StringBuilder();
      Item longest = null;
      for (char ch = read(); ch != 0; ch = read()) {
        if (!isSpecialSymbol(ch)) {
          unread();
          break;
        }
        symbol.append(ch);
        Token token = SYMBOLS.get(symbol.toString());
        if (token != null) {
          longest = new Item(token, symbol.toString());
        } else if (longest != null) {
          unread();
          break;
        }
      }
      // Never null: each special character is a token on its own, so Go's ErrorToken cannot occur.
      return longest;
    }

    /** Returns 0 at the end of input, and for a NUL character, which is consumed like any other. */
    private char read() {
      return pos < input.length() ? input.charAt(pos++) : 0;
    }

    private void unread() {
      pos--;
    }

    private static boolean isWhitespace(char ch) {
      return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    }

    private static boolean isSpecialSymbol(char ch) {
      return ch == '=' || ch == '!' || ch == '(' || ch == ')' || ch == ',' || ch == '>' || ch == '<';
    }
  }
}
