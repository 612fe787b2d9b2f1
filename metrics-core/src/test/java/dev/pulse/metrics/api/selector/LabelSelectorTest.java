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
 * Cases come from kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go
 * (commit 86b3ca48ea108bf601e7dac30684ca9b1308c488: TestSelectorParse, TestDeterministicParse,
 * TestSelectorMatches, TestToString, TestRequirementSelectorMatching, TestSetSelectorParser). Those tests
 * only assert that an error occurs, so the expected messages are written out by hand from the Go sources
 * they exercise, as of k8s.io/apimachinery v0.36 (the version metrics-server uses): pkg/labels/selector.go
 * (kubernetes/apimachinery commit 2a9a9331e4750072fd9ca978b3b2c773e1febd10), pkg/api/validate/content
 * (kube.go, dns.go, errors.go), pkg/util/validation/field (errors.go, path.go) and pkg/util/errors.
 * The key-validation message for "a:" is quoted verbatim from a Go test in deckhouse that asserts it.
 */
class LabelSelectorTest {

  private static final String VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric "
      + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',"
      + "  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  private static final String NAME_RULE = "name part must consist of alphanumeric characters, '-', '_' or '.', "
      + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
      + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  private static final String GT_LT_RULE = "for 'Gt', 'Lt' operators, the value must be an integer";
  private static final String OPERATORS = "expected: in, notin, =, ==, !=, gt, lt";

  static Stream<Arguments> validSelectors() {
    return Stream.of(
        // TestSelectorParse: String() equals the input with spaces removed.
        arguments("x=a,y=b,z=c", "x=a,y=b,z=c"),
        arguments("", ""),
        arguments("x!=a,y=b", "x!=a,y=b"),
        arguments("x=", "x="),
        arguments("x= ", "x="),
        arguments("x=,z= ", "x=,z="),
        arguments("x= ,z= ", "x=,z="),
        arguments("!x", "!x"),
        arguments("x>1", "x>1"),
        arguments("x>1,z<5", "x>1,z<5"),
        // TestDeterministicParse
        arguments("x=a,a=x", "a=x,x=a"),
        arguments("a=x,x=a", "a=x,x=a"),
        // TestToString
        arguments("x in (abc,def),y notin (jkl),z", "x in (abc,def),y notin (jkl),z"),
        arguments("x notin (abc,def),y!=jkl,!z", "x notin (abc,def),y!=jkl,!z"),
        arguments("x notin (abc),y in (jkl,mno),z notin ()", "x notin (abc),y in (jkl,mno),z notin ()"),
        arguments("x=abc,y==jkl,z!=a,z", "x=abc,y==jkl,z!=a,z"),
        arguments("x>2,y<8,z", "x>2,y<8,z"),
        // TestSetSelectorParser (valid inputs)
        arguments("\rx", "x"),
        arguments("this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"),
        arguments("this-is-another-dns.domain.com/key-with-dash in (so,what)",
            "this-is-another-dns.domain.com/key-with-dash in (so,what)"),
        arguments("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"),
        arguments("foo  in\t (abc)", "foo in (abc)"),
        arguments("x notin\n (abc)", "x notin (abc)"),
        arguments("x  notin\t\t\t(abc,def)", "x notin (abc,def)"),
        arguments("x in (abc,def)", "x in (abc,def)"),
        arguments("x in (abc,)", "x in (,abc)"),
        arguments("x in ()", "x in ()"),
        arguments("x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"),
        arguments("x,y in (a)", "x,y in (a)"),
        arguments("x=a", "x=a"),
        arguments("x>1", "x>1"),
        arguments("x<7", "x<7"),
        arguments("x=a,y!=b", "x=a,y!=b"),
        arguments("x=a,y!=b,z in (h,i,j)", "x=a,y!=b,z in (h,i,j)"),
        arguments("x notin ( )", "x notin ()"),
        arguments("x notin (, a)", "x notin (,a)"),
        arguments("a ", "a"),
        arguments("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"),
        // TestSelectorMatches uses in and notin as plain key and value.
        arguments("notin=in", "notin=in"),
        // Go's lexer cannot tell a NUL byte from the end of input: it ends the input where a token
        // would start, and is silently consumed where it ends a token.
        arguments("a \u0000b", "a"),
        arguments("x=\u0000y", "x=y"));
  }

  @ParameterizedTest
  @MethodSource("validSelectors")
  void parsesToGoCanonicalForm(String query, String canonical) throws SelectorException {
    assertThat(LabelSelector.parse(query).toString()).isEqualTo(canonical);
  }

  static Stream<Arguments> matchCases() {
    Map<String, String> labelset = Map.of("foo", "bar", "baz", "blah");
    return Stream.of(
        // TestSelectorMatches
        arguments("", Map.of("x", "y"), true),
        arguments("x=y", Map.of("x", "y"), true),
        arguments("x=y,z=w", Map.of("x", "y", "z", "w"), true),
        arguments("x!=y,z!=w", Map.of("x", "z", "z", "a"), true),
        arguments("notin=in", Map.of("notin", "in"), true),
        arguments("x", Map.of("x", "z"), true),
        arguments("!x", Map.of("y", "z"), true),
        arguments("x>1", Map.of("x", "2"), true),
        arguments("x<1", Map.of("x", "0"), true),
        arguments("x=z", Map.of(), false),
        arguments("x=y", Map.of("x", "z"), false),
        arguments("x=y,z=w", Map.of("x", "w", "z", "w"), false),
        arguments("x!=y,z!=w", Map.of("x", "z", "z", "w"), false),
        arguments("x", Map.of("y", "z"), false),
        arguments("!x", Map.of("x", "z"), false),
        arguments("x>1", Map.of("x", "0"), false),
        arguments("x<1", Map.of("x", "2"), false),
        arguments("foo=bar", labelset, true),
        arguments("baz=blah", labelset, true),
        arguments("foo=bar,baz=blah", labelset, true),
        arguments("foo=blah", labelset, false),
        arguments("baz=bar", labelset, false),
        arguments("foo=bar,foobar=bar,baz=blah", labelset, false),
        // TestRequirementSelectorMatching, written as selector strings
        arguments("x in (foo),y notin (alpha)", Map.of("x", "foo", "y", "baz"), true),
        arguments("x in (foo),y in (alpha)", Map.of("x", "foo", "y", "baz"), false),
        arguments("x notin (),y", Map.of("y", ""), true),
        arguments("!x,y", Map.of("y", ""), true),
        arguments("x notin (),!y", Map.of("y", ""), false),
        arguments("x in ()", Map.of("y", "baz"), false),
        arguments("z>1", Map.of("z", "2"), true),
        arguments("z>1", Map.of("z", "v2"), false),
        // Requirement.Matches: != and notin hold for a missing key, in and = need it present.
        arguments("x!=a", Map.of(), true),
        arguments("x notin (a)", Map.of(), true),
        arguments("x in (a)", Map.of(), false),
        arguments("x=", Map.of(), false),
        arguments("x=", Map.of("x", ""), true),
        arguments("x<1", Map.of(), false),
        // strconv.ParseInt accepts a sign and leading zeros, but nothing outside int64.
        arguments("x>1", Map.of("x", "+02"), true),
        arguments("x<1", Map.of("x", "-9223372036854775808"), true),
        arguments("x>1", Map.of("x", "9223372036854775808"), false));
  }

  @ParameterizedTest
  @MethodSource("matchCases")
  void matchesLikeGo(String query, Map<String, String> labels, boolean expected) throws SelectorException {
    assertThat(LabelSelector.parse(query).matches(labels)).isEqualTo(expected);
  }

  static Stream<Arguments> invalidSelectors() {
    String longValue = "a".repeat(64);
    return Stream.of(
        // TestSelectorParse (bad strings)
        arguments("x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": "
            + VALUE_RULE),
        arguments("x==a==b", "found '==', expected: ',' or 'end of string'"),
        arguments("!x=a", "found '=', expected: ',' or 'end of string'"),
        arguments("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": " + GT_LT_RULE),
        // TestSetSelectorParser (invalid inputs)
        arguments("x,,y", "found ',', expected: identifier after ','"),
        arguments(",x,y", "found ',', expected: !, identifier, or 'end of string'"),
        arguments("x nott in (y)", "unable to parse requirement: found 'nott', " + OPERATORS),
        arguments("a in (xyz),", "found '', expected: identifier after ','"),
        arguments("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
        arguments("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
        arguments("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        arguments("a (", "unable to parse requirement: found '(', " + OPERATORS),
        arguments("(", "found '(', expected: !, identifier, or 'end of string'"),
        // Remaining parser branches
        arguments("!!x", "unable to parse requirement: found '!', expected: identifier"),
        arguments("!", "unable to parse requirement: found '', expected: identifier"),
        arguments("x !", "unable to parse requirement: found '!', " + OPERATORS),
        arguments("x in y", "unable to parse requirement: found 'y' expected: '('"),
        arguments("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        arguments("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        arguments("x=(a)", "unable to parse requirement: found '(', expected: identifier"),
        arguments("a\u0000b", "unable to parse requirement: found 'b', " + OPERATORS),
        // Label value validation, with the field path NewRequirement builds
        arguments("app=-bad", "unable to parse requirement: values[0][app]: Invalid value: \"-bad\": "
            + VALUE_RULE),
        arguments("x=" + longValue, "unable to parse requirement: values[0][x]: Invalid value: \""
            + longValue + "\": must be no more than 63 bytes"),
        arguments("x in (-b,ok,-a)", "unable to parse requirement: [values[0][x]: Invalid value: \"-a\": "
            + VALUE_RULE + ", values[1][x]: Invalid value: \"-b\": " + VALUE_RULE + "]"),
        arguments("x>", "unable to parse requirement: values[0]: Invalid value: \"\": " + GT_LT_RULE),
        arguments("x>9223372036854775808", "unable to parse requirement: values[0]: Invalid value: "
            + "\"9223372036854775808\": " + GT_LT_RULE),
        arguments("x>-a", "unable to parse requirement: [values[0]: Invalid value: \"-a\": " + GT_LT_RULE
            + ", values[0][x]: Invalid value: \"-a\": " + VALUE_RULE + "]"),
        // Label key validation: labels.Parse passes a nil field path
        arguments("a:", "unable to parse requirement: <nil>: Invalid value: \"a:\": name part must consist "
            + "of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        arguments(longValue, "unable to parse requirement: <nil>: Invalid value: \"" + longValue
            + "\": name part must be no more than 63 bytes"),
        arguments("/simple", "unable to parse requirement: <nil>: Invalid value: \"/simple\": "
            + "prefix part must be non-empty"),
        arguments("example.com/", "unable to parse requirement: <nil>: Invalid value: \"example.com/\": "
            + "name part must be non-empty; " + NAME_RULE),
        arguments("Example.com/abc", "unable to parse requirement: <nil>: Invalid value: "
            + "\"Example.com/abc\": prefix part a lowercase RFC 1123 subdomain must consist of lower "
            + "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
            + "character (e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        arguments("only/one/slash", "unable to parse requirement: <nil>: Invalid value: \"only/one/slash\": "
            + "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must "
            + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            + "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
            + "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        // Bad values are printed with Go's %q
        arguments("a\"b", "unable to parse requirement: <nil>: Invalid value: \"a\\\"b\": " + NAME_RULE),
        arguments("a\u000bb\\", "unable to parse requirement: <nil>: Invalid value: \"a\\vb\\\\\": "
            + NAME_RULE),
        arguments("x=\u00e9\u00a0\u007f", "unable to parse requirement: values[0][x]: Invalid value: "
            + "\"\u00e9\\u00a0\\x7f\": " + VALUE_RULE));
  }

  @ParameterizedTest
  @MethodSource("invalidSelectors")
  void rejectsWithGoMessage(String query, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(query))
        .isInstanceOf(SelectorException.class)
        .hasMessage(message);
  }

  @Test
  void nullAndWhitespaceSelectEverything() throws SelectorException {
    assertThat(LabelSelector.parse(null).isEverything()).isTrue();
    assertThat(LabelSelector.parse(" \t\r\n").isEverything()).isTrue();
    assertThat(LabelSelector.everything().matches(null)).isTrue();
    assertThat(LabelSelector.everything()).hasToString("");
    assertThat(LabelSelector.parse("x").isEverything()).isFalse();
  }

  @Test
  void treatsNullLabelsAsNone() throws SelectorException {
    assertThat(LabelSelector.parse("x notin (a),!y").matches(null)).isTrue();
    assertThat(LabelSelector.parse("x").matches(null)).isFalse();
  }
}
