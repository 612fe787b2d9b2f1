package dev.pulse.metrics.api.selector;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** The few Go string semantics the selector ports depend on, where Java's defaults differ. */
final class GoText {

  /**
   * Go orders strings by their UTF-8 bytes, which is code point order; {@link String#compareTo}
   * compares UTF-16 units and disagrees once characters outside the BMP are involved.
   */
  static final Comparator<String> BYTE_ORDER = GoText::compare;

  private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GoText() {
  }

  /** Length as Go's {@code len(string)} counts it, which is what Kubernetes' length limits use. */
  static int byteLength(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * {@code strconv.ParseInt(s, 10, 64)}: unlike {@link Long#parseLong} it accepts ASCII digits only.
   */
  static OptionalLong parseInt64(String s) {
    if (!DECIMAL.matcher(s).matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(s));
    } catch (NumberFormatException outOfRange) {
      return OptionalLong.empty();
    }
  }

  /** {@code strconv.Quote}, i.e. what {@code fmt}'s {@code %q} prints for a string. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(cp -> appendEscaped(out, cp));
    return out.append('"').toString();
  }

  private static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static void appendEscaped(StringBuilder out, int cp) {
    if (cp == '"' || cp == '\\') {
      out.append('\\').appendCodePoint(cp);
    } else if (isPrint(cp)) {
      out.appendCodePoint(cp);
    } else {
      switch (cp) {
        case 0x07 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 0x0B -> out.append("\\v");
        default -> appendNumericEscape(out, cp);
      }
    }
  }

  private static void appendNumericEscape(StringBuilder out, int cp) {
    if (cp < ' ' || cp == 0x7F) {
      out.append("\\x");
      appendHex(out, cp, 2);
      return;
    }
    // A lone surrogate is not a valid rune; Go substitutes U+FFFD for invalid runes.
    int rune = cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE ? 0xFFFD : cp;
    if (rune < 0x10000) {
      out.append("\\u");
      appendHex(out, rune, 4);
    } else {
      out.append("\\U");
      appendHex(out, rune, 8);
    }
  }

  private static void appendHex(StringBuilder out, int value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out.append(HEX[(value >> shift) & 0xF]);
    }
  }

  /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
  private static boolean isPrint(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER,
          Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
          Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL -> true;
      default -> false;
    };
  }
}
