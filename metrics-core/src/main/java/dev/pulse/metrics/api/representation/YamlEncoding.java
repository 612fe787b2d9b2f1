package dev.pulse.metrics.api.representation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code application/yaml} as the API server writes it: its JSON, re-read and written by
 * sigs.k8s.io/yaml's fork of go-yaml v2 ({@code JSONToYAML}). This is that emitter's behaviour for
 * what JSON can hold: keys in go-yaml's natural order, compact sequences, no line width, and each
 * string plain, single-quoted, double-quoted or literal by the same analysis, including quoting
 * strings a YAML 1.1 reader would take for a number, boolean, null or timestamp.
 */
public final class YamlEncoding {

  private static final int INDENT = 2;
  /** go-yaml writes a longer key as a complex key ({@code ? key}). */
  private static final int SIMPLE_KEY_LIMIT = 128;
  private static final Pattern YAML_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  /** Sexagesimal numbers (YAML 1.1): go-yaml quotes them though it no longer reads them. */
  private static final Pattern BASE_60_FLOAT = Pattern.compile("[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?");
  private static final Pattern DOT_FLOAT = Pattern.compile("\\.[0-9]+([eE][-+]?[0-9]+)?");
  private static final Pattern TIMESTAMP = Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})"
      + "(?:(?:[Tt]|( ))(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?)?");
  private static final List<String> NOT_STRINGS = List.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
      "on", "On", "ON", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
      "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
      "-.inf", "-.Inf", "-.INF");

  private YamlEncoding() {}

  /** The YAML document for a JSON tree whose top level is an object, as every API object is. */
  public static byte[] encode(JsonNode json) {
    StringBuilder out = new StringBuilder();
    mapping(json, 0, false, out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** @param inline whether the first key continues the current line (after a sequence's "- ") */
  /** @param inline whether the first key continues the current line (after an indicator) */
  private static void mapping(JsonNode map, int indent, boolean inline, StringBuilder out) {
    List<String> keys = new ArrayList<>();
    map.fieldNames().forEachRemaining(keys::add);
    keys.sort(YamlEncoding::compareKeys);
    boolean first = true;
    for (String key : keys) {
      if (!(first && inline)) {
        spaces(indent, out);
      }
      first = false;
      String folded = foldNextLines(key);
      if (folded.getBytes(StandardCharsets.UTF_8).length <= SIMPLE_KEY_LIMIT && !hasBreak(folded)) {
        scalar(key, indent, true, out);
        out.append(':');
        value(map.get(key), indent, out);
      } else {
        // A complex key: "? key", then ":" followed by the value as a sequence entry follows "-".
        out.append("? ");
        scalar(key, indent, false, out);
        out.append('\n');
        spaces(indent, out);
        out.append(':');
        entry(map.get(key), indent, out);
      }
    }
  }

  /** A simple key's value, after its colon. */
  private static void value(JsonNode node, int indent, StringBuilder out) {
    if (node.isObject() && node.size() > 0) {
      out.append('\n');
      mapping(node, indent + INDENT, false, out);
    } else if (node.isArray() && node.size() > 0) {
      out.append('\n');
      // Compact: a sequence inside a mapping starts at the mapping's own indentation.
      sequence(node, indent, false, out);
    } else {
      out.append(' ');
      leaf(node, indent, out);
      out.append('\n');
    }
  }

  private static void sequence(JsonNode list, int indent, boolean inline, StringBuilder out) {
    boolean first = true;
    for (Iterator<JsonNode> items = list.elements(); items.hasNext(); ) {
      if (!(first && inline)) {
        spaces(indent, out);
      }
      first = false;
      out.append('-');
      entry(items.next(), indent, out);
    }
  }

  /** What follows an indicator ("-", or the ":" of a complex key): collections begin on its line. */
  private static void entry(JsonNode node, int indent, StringBuilder out) {
    out.append(' ');
    if (node.isObject() && node.size() > 0) {
      mapping(node, indent + INDENT, true, out);
    } else if (node.isArray() && node.size() > 0) {
      sequence(node, indent + INDENT, true, out);
    } else {
      leaf(node, indent, out);
      out.append('\n');
    }
  }

  private static void leaf(JsonNode node, int indent, StringBuilder out) {
    if (node.isObject()) {
      out.append("{}");
    } else if (node.isArray()) {
      out.append("[]");
    } else if (node.isTextual()) {
      scalar(node.textValue(), indent, false, out);
    } else if (node.isIntegralNumber() || node.isBoolean()) {
      out.append(node.asText());
    } else if (node.isNull()) {
      out.append("null");
    } else {
      throw new IllegalArgumentException("API objects carry no " + node.getNodeType() + " values");
    }
  }

  // ---- Scalars: go-yaml's stringv, yaml_emitter_analyze_scalar and select_scalar_style ----

  private enum Style { PLAIN, SINGLE, DOUBLE, LITERAL }

  private static void scalar(String text, int indent, boolean key, StringBuilder out) {
    String s = foldNextLines(text);
    Style style = s.indexOf('\n') >= 0 ? Style.LITERAL
        : resolvesToString(s) && !BASE_60_FLOAT.matcher(s).matches() ? Style.PLAIN : Style.DOUBLE;
    Analysis a = analyze(s);
    if (key && a.multiline) {
      style = Style.DOUBLE;
    }
    if (style == Style.PLAIN && !a.blockPlainAllowed) {
      style = Style.SINGLE;
    }
    if (style == Style.SINGLE && !a.singleQuotedAllowed) {
      style = Style.DOUBLE;
    }
    if (style == Style.LITERAL && (!a.blockAllowed || key)) {
      style = Style.DOUBLE;
    }
    switch (style) {
      case PLAIN -> out.append(s);
      case SINGLE -> singleQuoted(s, indent + INDENT, out);
      case DOUBLE -> doubleQuoted(s, out);
      case LITERAL -> literal(s, indent + INDENT, out);
    }
  }

  private record Analysis(boolean multiline, boolean blockPlainAllowed, boolean singleQuotedAllowed,
      boolean blockAllowed) {}

  private static Analysis analyze(String s) {
    if (s.isEmpty()) {
      return new Analysis(false, true, true, false);
    }
    boolean blockIndicators = s.startsWith("---") || s.startsWith("...");
    boolean lineBreaks = false;
    boolean special = false;
    boolean leadingSpace = false;
    boolean leadingBreak = false;
    boolean trailingSpace = false;
    boolean trailingBreak = false;
    boolean breakSpace = false;
    boolean spaceBreak = false;
    boolean previousSpace = false;
    boolean previousBreak = false;
    boolean precededByWhitespace = true;
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      boolean followedByWhitespace = i + 1 >= cps.length || cps[i + 1] == ' ' || cps[i + 1] == '\t';
      if (i == 0) {
        switch (c) {
          case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' ->
              blockIndicators = true;
          case '?', ':', '-' -> blockIndicators |= followedByWhitespace;
          default -> { }
        }
      } else if (c == ':' && followedByWhitespace || c == '#' && precededByWhitespace) {
        blockIndicators = true;
      }
      if (!printable(c)) {
        special = true;
      }
      if (c == ' ') {
        leadingSpace |= i == 0;
        trailingSpace |= i == cps.length - 1;
        breakSpace |= previousBreak;
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak(c)) {
        lineBreaks = true;
        leadingBreak |= i == 0;
        trailingBreak |= i == cps.length - 1;
        spaceBreak |= previousSpace;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = c == ' ' || c == '\t' || isBreak(c);
    }
    boolean plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak
        || special || lineBreaks || blockIndicators);
    boolean single = !(breakSpace || spaceBreak || special);
    boolean block = !(trailingSpace || spaceBreak || special);
    return new Analysis(lineBreaks, plain, single, block);
  }

  /** What go-yaml's emitter writes unescaped: its byte test passes nothing past U+FFFD, nor C1 controls. */
  private static boolean printable(int c) {
    return c == 0x0A || c >= 0x20 && c <= 0x7E || c >= 0xA0 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF;
  }

  private static boolean isBreak(int c) {
    return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
  }

  /**
   * JSONToYAML reads the JSON as YAML first, and YAML folds a raw NEL (U+0085, which Go's JSON
   * leaves unescaped) in a quoted scalar like a line break: blanks around it dropped, one break
   * read as a space, more as one newline fewer.
   */
  private static String foldNextLines(String s) {
    if (s.indexOf('\u0085') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      if (s.charAt(i) != '\u0085') {
        out.append(s.charAt(i++));
        continue;
      }
      while (out.length() > 0 && (out.charAt(out.length() - 1) == ' ' || out.charAt(out.length() - 1) == '\t')) {
        out.setLength(out.length() - 1);
      }
      int breaks = 0;
      while (i < s.length() && (s.charAt(i) == '\u0085' || s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        breaks += s.charAt(i++) == '\u0085' ? 1 : 0;
      }
      out.append(breaks == 1 ? " " : "\n".repeat(breaks - 1));
    }
    return out.toString();
  }

  private static boolean hasBreak(String s) {
    return s.codePoints().anyMatch(YamlEncoding::isBreak);
  }

  /** go-yaml's resolve: whether the text, unquoted, would read back as a string. */
  static boolean resolvesToString(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char hint = s.charAt(0);
    boolean mapped = "yYnNtTfFoO~".indexOf(hint) >= 0;
    boolean numeric = hint == '+' || hint == '-' || hint >= '0' && hint <= '9';
    if (!mapped && !numeric && hint != '.') {
      return true;
    }
    if (NOT_STRINGS.contains(s)) {
      return false;
    }
    if (mapped) {
      return true;
    }
    if (hint == '.') {
      return !DOT_FLOAT.matcher(s).matches();
    }
    if (timestamp(s)) {
      return false;
    }
    String plain = s.replace("_", "");
    if (goInteger(plain)) {
      return false;
    }
    if (YAML_FLOAT.matcher(plain).matches()) {
      return Double.isInfinite(Double.parseDouble(plain));
    }
    return true;
  }

  /** {@code strconv.ParseInt(s, 0, 64)} or {@code ParseUint(s, 0, 64)} succeeds. */
  private static boolean goInteger(String s) {
    boolean negative = s.startsWith("-");
    boolean signed = negative || s.startsWith("+");
    String digits = signed ? s.substring(1) : s;
    final int radix;
    String lower = digits.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("0x")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      digits = digits.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      digits = digits.substring(2);
    } else if (digits.length() > 1 && digits.startsWith("0")) {
      radix = 8;
      digits = digits.substring(1);
    } else {
      radix = 10;
    }
    if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, radix) >= 0 && c < 0x80)) {
      return false;
    }
    BigInteger value = new BigInteger(digits, radix);
    BigInteger limit = signed ? BigInteger.ONE.shiftLeft(63) : BigInteger.ONE.shiftLeft(64);
    return negative ? value.compareTo(limit) <= 0 : value.compareTo(limit) < 0;
  }

  /** Go's time.Parse with go-yaml's four layouts (date; date and time with zone; with a space and no zone). */
  private static boolean timestamp(String s) {
    var m = TIMESTAMP.matcher(s);
    if (!m.matches()) {
      return false;
    }
    boolean spaced = m.group(4) != null;
    boolean zoned = m.group(8) != null;
    if (m.group(5) != null && spaced == zoned) {
      return false;
    }
    try {
      java.time.LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    } catch (java.time.DateTimeException e) {
      return false;
    }
    return m.group(5) == null || Integer.parseInt(m.group(5)) < 24 && Integer.parseInt(m.group(6)) < 60
        && Integer.parseInt(m.group(7)) < 60;
  }

  private static void singleQuoted(String s, int indent, StringBuilder out) {
    out.append('\'');
    boolean breaks = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (isBreak(c)) {
        out.appendCodePoint(c);
        breaks = true;
      } else {
        if (breaks) {
          spaces(indent, out);
        }
        if (c == '\'') {
          out.append('\'');
        }
        out.appendCodePoint(c);
        breaks = false;
      }
    }
    out.append('\'');
  }

  private static void doubleQuoted(String s, StringBuilder out) {
    // go-yaml checks for a byte-order mark at the start of the value for every character.
    boolean bom = s.startsWith("\uFEFF");
    out.append('"');
    s.codePoints().forEach(c -> {
      if (bom || !printable(c) || isBreak(c) || c == '"' || c == '\\') {
        out.append('\\').append(switch (c) {
          case 0x00 -> "0";
          case 0x07 -> "a";
          case 0x08 -> "b";
          case 0x09 -> "t";
          case 0x0A -> "n";
          case 0x0B -> "v";
          case 0x0C -> "f";
          case 0x0D -> "r";
          case 0x1B -> "e";
          case 0x22 -> "\"";
          case 0x5C -> "\\";
          case 0x85 -> "N";
          case 0xA0 -> "_";
          case 0x2028 -> "L";
          case 0x2029 -> "P";
          default -> c <= 0xFF ? String.format("x%02X", c) : c <= 0xFFFF ? String.format("u%04X", c)
              : String.format("U%08X", c);
        });
      } else {
        out.appendCodePoint(c);
      }
    });
    out.append('"');
  }

  private static void literal(String s, int indent, StringBuilder out) {
    out.append('|');
    if (s.charAt(0) == ' ' || isBreak(s.codePointAt(0))) {
      out.append(INDENT);
    }
    int last = s.codePointBefore(s.length());
    if (!isBreak(last)) {
      out.append('-');
    } else if (s.length() == Character.charCount(last)
        || isBreak(s.codePointBefore(s.length() - Character.charCount(last)))) {
      out.append('+');
    }
    out.append('\n');
    boolean breaks = true;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (isBreak(c)) {
        out.appendCodePoint(c);
        breaks = true;
      } else {
        if (breaks) {
          spaces(indent, out);
        }
        out.appendCodePoint(c);
        breaks = false;
      }
    }
    // The value's own last break ended the line, or the line still needs ending.
    if (!breaks) {
      return;
    }
    out.setLength(out.length() - 1);
  }

  private static void spaces(int n, StringBuilder out) {
    out.append(" ".repeat(n));
  }

  /** go-yaml's keyList.Less for string keys: letters before other runes, digit runs compared as numbers. */
  static int compareKeys(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    return keyLess(a, b) ? -1 : 1;
  }

  private static boolean keyLess(String a, String b) {
    int[] ar = a.codePoints().toArray();
    int[] br = b.codePoints().toArray();
    for (int i = 0; i < ar.length && i < br.length; i++) {
      if (ar[i] == br[i]) {
        continue;
      }
      boolean al = Character.isLetter(ar[i]);
      boolean bl = Character.isLetter(br[i]);
      if (al && bl) {
        return ar[i] < br[i];
      }
      if (al || bl) {
        return bl;
      }
      long an = 0;
      long bn = 0;
      if (ar[i] == '0' || br[i] == '0') {
        for (int j = i - 1; j >= 0 && Character.isDigit(ar[j]); j--) {
          if (ar[j] != '0') {
            an = 1;
            bn = 1;
            break;
          }
        }
      }
      int ai = i;
      for (; ai < ar.length && Character.isDigit(ar[ai]); ai++) {
        an = an * 10 + (ar[ai] - '0');
      }
      int bi = i;
      for (; bi < br.length && Character.isDigit(br[bi]); bi++) {
        bn = bn * 10 + (br[bi] - '0');
      }
      if (an != bn) {
        return an < bn;
      }
      if (ai != bi) {
        return ai < bi;
      }
      return ar[i] < br[i];
    }
    return ar.length < br.length;
  }
}
