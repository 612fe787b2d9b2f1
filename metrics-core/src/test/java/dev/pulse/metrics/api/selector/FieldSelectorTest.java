package dev.pulse.metrics.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cases come from the upstream k8s.io/apimachinery pkg/fields/selector_test.go (the revision with
 * TestSplitTerms, TestEscapeValue and TestTransform: TestSelectorParse, TestDeterministicParse,
 * TestSelectorMatches, TestSplitTerms, TestEscapeValue). Those tests only assert that an error occurs, so
 * the expected messages are written out by hand from pkg/fields/selector.go (kubernetes/kubernetes commit
 * 48388fec7eaad4ac8d84fbe20673ffacf41964a1, unchanged in v0.36): parseSelector, UnescapeValue,
 * InvalidEscapeSequence and UnescapedRune.
 */
class FieldSelectorTest {

  static Stream<Arguments> validSelectors() {
    return Stream.of(
        // TestSelectorParse: String() gives the input back.
        arguments("x=a,y=b,z=c", "x=a,y=b,z=c"),
        arguments("", ""),
        arguments("x!=a,y=b", "x!=a,y=b"),
        arguments("x=a||y\\=b", "x=a||y\\=b"),
        arguments("x=a\\=\\=b", "x=a\\=\\=b"),
        // TestDeterministicParse
        arguments("x=a,a=x", "a=x,x=a"),
        arguments("a=x,x=a", "a=x,x=a"),
        // TestSplitTerms: empty terms are skipped; escaped commas stay in the value.
        arguments("a=a,", "a=a"),
        arguments(",a=a", "a=a"),
        arguments("k=\\,,k2=v2", "k2=v2,k=\\,"),
        arguments("k=\\\\,k2=v2", "k2=v2,k=\\\\"),
        arguments("k=\\\\\\,,k2=v2", "k2=v2,k=\\\\\\,"),
        arguments("\ud568=\uc218,\ubaa9=\ub85d", "\ubaa9=\ub85d,\ud568=\uc218"),
        // TestEscapeValue: values come back in EscapeValue's normalized form.
        arguments("v=\\=", "v=\\="),
        arguments("v=\\,", "v=\\,"),
        arguments("v=\\\\", "v=\\\\"),
        arguments("v=\\\\\\=\\\\\\,\\\\", "v=\\\\\\=\\\\\\,\\\\"),
        // == is printed as =, and a term without field and value selects everything.
        arguments("x==a", "x=a"),
        arguments("=", ""),
        arguments("!=,b==c", "b=c"),
        arguments("a=", "a="));
  }

  @ParameterizedTest
  @MethodSource("validSelectors")
  void parsesToGoCanonicalForm(String query, String canonical) throws SelectorException {
    assertThat(FieldSelector.parse(query).toString()).isEqualTo(canonical);
  }

  static Stream<Arguments> matchCases() {
    Map<String, String> fieldset = Map.of("foo", "bar", "baz", "blah", "complex", "=value\\,\\");
    return Stream.of(
        // TestSelectorMatches
        arguments("", Map.of("x", "y"), true),
        arguments("x=y", Map.of("x", "y"), true),
        arguments("x=y,z=w", Map.of("x", "y", "z", "w"), true),
        arguments("x!=y,z!=w", Map.of("x", "z", "z", "a"), true),
        arguments("notin=in", Map.of("notin", "in"), true),
        arguments("x=y", Map.of("x", "z"), false),
        arguments("x=y,z=w", Map.of("x", "w", "z", "w"), false),
        arguments("x!=y,z!=w", Map.of("x", "z", "z", "w"), false),
        arguments("foo=bar", fieldset, true),
        arguments("baz=blah", fieldset, true),
        arguments("foo=bar,baz=blah", fieldset, true),
        arguments("foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\", fieldset, true),
        arguments("foo=blah", fieldset, false),
        arguments("baz=bar", fieldset, false),
        arguments("foo=bar,foobar=bar,baz=blah", fieldset, false),
        // fields.Set.Get returns "" for a missing field.
        arguments("x=", Map.of(), true),
        arguments("x!=", Map.of(), false),
        arguments("x!=y", Map.of(), true),
        arguments("x=y", Map.of(), false));
  }

  @ParameterizedTest
  @MethodSource("matchCases")
  void matchesLikeGo(String query, Map<String, String> fields, boolean expected) throws SelectorException {
    assertThat(FieldSelector.parse(query).matches(fields)).isEqualTo(expected);
  }

  static Stream<Arguments> invalidSelectors() {
    return Stream.of(
        // TestSelectorParse (bad strings)
        arguments("x=a||y=b", "invalid field selector: unescaped character in value: 61"),
        arguments("x==a==b", "invalid field selector: unescaped character in value: 61"),
        arguments("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
        arguments("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"),
        arguments("x in (a,b,c)", "invalid selector: 'x in (a,b,c)'; can't understand 'b'"),
        arguments("x", "invalid selector: 'x'; can't understand 'x'"),
        // TestEscapeValue (invalid escape sequences)
        arguments("k=\\", "invalid field selector: invalid escape sequence: \\"),
        arguments("k=\\\\\\", "invalid field selector: invalid escape sequence: \\"),
        arguments("k=\\a", "invalid field selector: invalid escape sequence: \\a"),
        arguments("k=\\\ud83d\ude00", "invalid field selector: invalid escape sequence: \\\ud83d\ude00"),
        // Terms are sorted before they are checked, so the first in sort order is reported.
        arguments("b=\\x,a", "invalid selector: 'b=\\x,a'; can't understand 'a'"),
        // Go does not skip whitespace in field selectors.
        arguments(" ", "invalid selector: ' '; can't understand ' '"));
  }

  @ParameterizedTest
  @MethodSource("invalidSelectors")
  void rejectsWithGoMessage(String query, String message) {
    assertThatThrownBy(() -> FieldSelector.parse(query))
        .isInstanceOf(SelectorException.class)
        .hasMessage(message);
  }

  @Test
  void nullSelectsEverything() throws SelectorException {
    assertThat(FieldSelector.parse(null).isEverything()).isTrue();
    assertThat(FieldSelector.parse("").isEverything()).isTrue();
    assertThat(FieldSelector.everything().matches(null)).isTrue();
    assertThat(FieldSelector.everything()).hasToString("");
    assertThat(FieldSelector.parse("a=b").isEverything()).isFalse();
    assertThat(FieldSelector.parse("a!=b").matches(null)).isTrue();
  }
}
