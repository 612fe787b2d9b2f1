package dev.pulse.metrics.scrape;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulse.metrics.storage.ContainerSample;
import dev.pulse.metrics.storage.Dropped;
import dev.pulse.metrics.storage.KubeletReport;
import dev.pulse.metrics.storage.NodeSample;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceMetricsDecoderTest {

  private static final long DEFAULT_TS = 1_700_000_000_000L;
  private static final String[] FIXTURES = {
      "kubelet-v1.22.txt", "kubelet-v1.22-crlf.txt", "kwok.txt", "kubelet-v1.33-swap.txt",
  };

  private static final ContainerSample COREDNS_122 = new ContainerSample("kube-system", "coredns-558bd4d5db-4dpjz",
      "coredns", 1633253812125L, 4_710_169_000L, 12_533_760L, 1_633_252_712_000L);
  private static final ContainerSample ETCD_122 = new ContainerSample("kube-system", "etcd-e2e-v1.22.0-control-plane",
      "etcd", 1633253809720L, 32_647_341_000L, 48_115_712L, 1_633_252_600_000L);
  private static final NodeSample NODE_122 = new NodeSample(1633253809720L, 357_354_910_000L, 1_616_273_408L);

  @Nested
  class Fixtures {

    @Test
    void kubelet122() throws Exception {
      KubeletReport report = decode(fixture("kubelet-v1.22.txt"));

      assertThat(report.node()).isEqualTo(NODE_122);
      assertThat(report.containers()).containsExactly(COREDNS_122, ETCD_122);
      assertThat(report.rejected()).isEmpty();
    }

    @Test
    void kubelet122WithCrlfLineEnds() throws Exception {
      byte[] body = fixture("kubelet-v1.22-crlf.txt");
      assertThat(new String(body, UTF_8)).contains("\r\n");

      KubeletReport report = decode(body);

      assertThat(report.node()).isEqualTo(NODE_122);
      assertThat(report.containers()).containsExactly(COREDNS_122, ETCD_122);
      assertThat(report.rejected()).isEmpty();
    }

    @Test
    void kwokWithoutTimestampsWithShuffledLabelsAndSwap() throws Exception {
      KubeletReport report = decode(fixture("kwok.txt"));

      assertThat(report.node()).isEqualTo(new NodeSample(DEFAULT_TS, 375_000_000L, 15_728_640L));
      assertThat(report.containers()).containsExactly(
          new ContainerSample("default", "fake-pod-7d4b9c6f5-2xkqz", "app", DEFAULT_TS, 300_000_000L, 10_485_760L,
              1_747_300_000_000L),
          new ContainerSample("default", "fake-pod-7d4b9c6f5-2xkqz", "sidecar", DEFAULT_TS, 75_000_000L, 5_242_880L,
              1_747_299_990_000L));
      assertThat(report.rejected()).isEmpty();
    }

    @Test
    void kubelet133WithSwapSeriesAndZeroWorkingSet() throws Exception {
      KubeletReport report = decode(fixture("kubelet-v1.33-swap.txt"));

      assertThat(report.node()).isEqualTo(new NodeSample(1747300000456L, 1_234_567_891_000L, 847_716_352L));
      assertThat(report.containers()).containsExactly(
          new ContainerSample("monitoring", "node-agent-7qk2w", "agent", 1747300001337L, 4_212_000L, 0L,
              1_747_299_990_000L),
          new ContainerSample("kube-system", "kube-proxy-h7k2l", "kube-proxy", 1747299998456L, 3_141_592_000L,
              18_055_168L, 1_747_198_123_000L),
          new ContainerSample("default", "web-7c9d8f6b5-x2x9q", "nginx", 1747300000123L, 12_345_678_901L,
              21_897_216L, 1_747_200_000_000L));
      assertThat(report.rejected()).isEmpty();
    }
  }

  @Nested
  class Structure {

    @Test
    void emptyBodyIsAnEmptyReport() throws Exception {
      KubeletReport report = ResourceMetricsDecoder.decode(new byte[0], 0, DEFAULT_TS);

      assertThat(report.node()).isNull();
      assertThat(report.containers()).isEmpty();
      assertThat(report.rejected()).isEmpty();
    }

    @Test
    void commentsAndBlankLinesOnlyIsAnEmptyReport() throws Exception {
      KubeletReport report = decode("# HELP x y\n\n   \n\t\n# TYPE x gauge\r\n\r\n#\n");

      assertThat(report.node()).isNull();
      assertThat(report.containers()).isEmpty();
    }

    @Test
    void decodesOnlyTheGivenLength() throws Exception {
      byte[] body = "node_cpu_usage_seconds_total 2 10\n<html>garbage".getBytes(UTF_8);

      KubeletReport report = ResourceMetricsDecoder.decode(body, 34, DEFAULT_TS);

      assertThat(report.node()).isEqualTo(new NodeSample(10, 2_000_000_000L, -1));
    }

    @Test
    void finalLineWithoutNewline() throws Exception {
      KubeletReport report = decode("node_memory_working_set_bytes 1\nnode_cpu_usage_seconds_total 3 7");

      assertThat(report.node()).isEqualTo(new NodeSample(7, 3_000_000_000L, 1));
    }

    @Test
    void crlfAndLfLineEndsMixed() throws Exception {
      KubeletReport report = decode("# HELP a b\r\nnode_cpu_usage_seconds_total 1 5\r\n\r\n"
          + "node_memory_working_set_bytes 2 5\ncontainer_memory_working_set_bytes{container=\"c\","
          + "namespace=\"n\",pod=\"p\"} 3\r\n");

      assertThat(report.node()).isEqualTo(new NodeSample(5, 1_000_000_000L, 2));
      assertThat(report.containers()).containsExactly(new ContainerSample("n", "p", "c", DEFAULT_TS, -1, 3, -1));
    }

    @Test
    void spacesAndTabsBetweenTokensAndInsideLabelSet() throws Exception {
      KubeletReport report = decode(
          "  node_cpu_usage_seconds_total \t 1.5 \t 1000\t \n"
              + "container_memory_working_set_bytes { container = \"c\" ,\tnamespace= \"n\" , pod =\"p\" }\t5  2000\n"
              + "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"p\"}2 3000\n");

      assertThat(report.node()).isEqualTo(new NodeSample(1000, 1_500_000_000L, -1));
      assertThat(report.containers()).containsExactly(new ContainerSample("n", "p", "c", 3000, 2_000_000_000L, 5, -1));
    }

    @Test
    void reportContainersAreImmutable() throws Exception {
      KubeletReport report = decode(fixture("kubelet-v1.22.txt"));

      assertThatThrownBy(() -> report.containers().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class Families {

    @Test
    void otherFamiliesAreIgnored() throws Exception {
      KubeletReport report = decode(lines(
          "pod_cpu_usage_seconds_total{namespace=\"n\",pod=\"p\"} 4.67812 1633253803935",
          "pod_memory_working_set_bytes{namespace=\"n\",pod=\"p\"} 1e6",
          "pod_swap_usage_bytes{namespace=\"n\",pod=\"p\"} 0",
          "container_swap_usage_bytes{container=\"c\",namespace=\"n\",pod=\"p\"} 0",
          "container_swap_limit_bytes{container=\"c\",namespace=\"n\",pod=\"p\"} 1e9",
          "node_swap_usage_bytes 1.2582912e+07 1747300000456",
          "scrape_error 1",
          "resource_scrape_error 0"));

      assertThat(report.node()).isNull();
      assertThat(report.containers()).isEmpty();
      assertThat(report.rejected()).isEmpty();
    }

    @Test
    void namesMatchOnlyExactly() throws Exception {
      KubeletReport report = decode(lines(
          "node_cpu_usage_seconds_total_extra 5",
          "node_cpu_usage_seconds_tota 5",
          "xnode_memory_working_set_bytes 5",
          "Node_cpu_usage_seconds_total 5",
          "container_cpu_usage_seconds_totals{container=\"c\",namespace=\"n\",pod=\"p\"} 1",
          "container_start_time_second{container=\"c\",namespace=\"n\",pod=\"p\"} 1"));

      assertThat(report.node()).isNull();
      assertThat(report.containers()).isEmpty();
    }

    @Test
    void validLinesOfUnknownFamiliesWithUnusualLabelsAreSkipped() throws Exception {
      KubeletReport report = decode(lines(
          "weird_metric{le=\"+Inf\",path=\"/a{b}\\\"c,d\\\\\",  x = \"\" ,} 1e-3 -5",
          "histogram_bucket{le=\"0.005\"} 3",
          "unicode:metric_total{a=\"é ü \\n\"} NaN",
          "empty_set{} -Inf",
          "lenient_label_name{a.b-c=\"x\"} +Inf 12",
          "no_labels 1"));

      assertThat(report.node()).isNull();
      assertThat(report.containers()).isEmpty();
      assertThat(report.rejected()).isEmpty();
    }

    @Test
    void nodeSeriesLabelsAreIgnored() throws Exception {
      KubeletReport report = decode("node_cpu_usage_seconds_total{node=\"worker-1\"} 1 10\n");

      assertThat(report.node()).isEqualTo(new NodeSample(10, 1_000_000_000L, -1));
    }

    @Test
    void noNodeSeriesMeansNoNode() throws Exception {
      KubeletReport report = decode(series("container_cpu_usage_seconds_total", "n", "p", "c", "1"));

      assertThat(report.node()).isNull();
    }

    @Test
    void nodeWithOnlyMemoryIsIncomplete() throws Exception {
      KubeletReport report = decode("node_memory_working_set_bytes 1.616273408e+09 1633253809720\n");

      assertThat(report.node()).isEqualTo(new NodeSample(1633253809720L, -1, 1_616_273_408L));
      assertThat(report.node().complete()).isFalse();
    }
  }

  @Nested
  class Merging {

    @Test
    void seriesOfOneContainerMergeInFirstSeenOrder() throws Exception {
      KubeletReport report = decode(
          series("container_memory_working_set_bytes", "n", "p", "b", "20")
              + series("container_memory_working_set_bytes", "n", "p", "a", "10")
              + series("container_cpu_usage_seconds_total", "n", "p", "a", "1")
              + series("container_cpu_usage_seconds_total", "n", "p", "b", "2")
              + series("container_start_time_seconds", "n", "p", "c", "100"));

      assertThat(report.containers()).containsExactly(
          new ContainerSample("n", "p", "b", DEFAULT_TS, 2_000_000_000L, 20, -1),
          new ContainerSample("n", "p", "a", DEFAULT_TS, 1_000_000_000L, 10, -1),
          new ContainerSample("n", "p", "c", -1, -1, -1, 100_000));
    }

    @Test
    void sameContainerNameInOtherPodOrNamespaceIsAnotherContainer() throws Exception {
      KubeletReport report = decode(
          series("container_memory_working_set_bytes", "n", "p", "c", "1")
              + series("container_memory_working_set_bytes", "n", "q", "c", "2")
              + series("container_memory_working_set_bytes", "m", "p", "c", "3"));

      assertThat(report.containers()).extracting(ContainerSample::memoryBytes).containsExactly(1L, 2L, 3L);
    }

    @Test
    void partialContainerKeepsMinusOneForMissingSeries() throws Exception {
      KubeletReport report = decode(series("container_cpu_usage_seconds_total", "n", "p", "c", "1"));

      assertThat(report.containers()).containsExactly(
          new ContainerSample("n", "p", "c", DEFAULT_TS, 1_000_000_000L, -1, -1));
      assertThat(report.containers().get(0).complete()).isFalse();
    }

    @Test
    void zeroWorkingSetIsKept() throws Exception {
      KubeletReport report = decode(series("container_cpu_usage_seconds_total", "n", "p", "c", "0")
          + series("container_memory_working_set_bytes", "n", "p", "c", "0"));

      assertThat(report.containers()).containsExactly(new ContainerSample("n", "p", "c", DEFAULT_TS, 0, 0, -1));
      assertThat(report.containers().get(0).complete()).isTrue();
      assertThat(report.rejected()).isEmpty();
    }

    @Test
    void lastDuplicateWins() throws Exception {
      KubeletReport report = decode(
          series("container_memory_working_set_bytes", "n", "p", "c", "5 1")
              + series("container_memory_working_set_bytes", "n", "p", "c", "7 2")
              + "node_cpu_usage_seconds_total 1 1\nnode_cpu_usage_seconds_total 2 2\n");

      assertThat(report.containers()).containsExactly(new ContainerSample("n", "p", "c", 2, -1, 7, -1));
      assertThat(report.node()).isEqualTo(new NodeSample(2, 2_000_000_000L, -1));
    }

    @Test
    void rejectedDuplicateLeavesEarlierValue() throws Exception {
      KubeletReport report = decode(
          series("container_cpu_usage_seconds_total", "n", "p", "c", "1 1")
              + series("container_cpu_usage_seconds_total", "n", "p", "c", "NaN 2"));

      assertThat(report.containers()).containsExactly(
          new ContainerSample("n", "p", "c", 1, 1_000_000_000L, -1, -1));
      assertThat(report.rejected()).hasSize(1);
    }
  }

  @Nested
  class Labels {

    @Test
    void labelsInAnyOrderWithExtraLabels() throws Exception {
      KubeletReport report = decode(lines(
          "container_cpu_usage_seconds_total{pod=\"p\",id=\"/kubepods/x\",container=\"c\",namespace=\"n\"} 1",
          "container_memory_working_set_bytes{namespace=\"n\",image=\"nginx:1\",pod=\"p\",container=\"c\"} 2"));

      assertThat(report.containers()).containsExactly(
          new ContainerSample("n", "p", "c", DEFAULT_TS, 1_000_000_000L, 2, -1));
    }

    @Test
    void trailingCommaInLabelSet() throws Exception {
      KubeletReport report = decode(
          "container_memory_working_set_bytes{container=\"c\",namespace=\"n\",pod=\"p\",} 2\n"
              + "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"p\" , } 1\n");

      assertThat(report.containers()).containsExactly(
          new ContainerSample("n", "p", "c", DEFAULT_TS, 1_000_000_000L, 2, -1));
    }

    @Test
    void escapedLabelValuesAreUnescaped() throws Exception {
      KubeletReport report = decode(
          "container_memory_working_set_bytes{container=\"c\\\"q\\\"\",namespace=\"a\\\\b\",pod=\"x\\ny\"} 2\n");

      assertThat(report.containers()).containsExactly(
          new ContainerSample("a\\b", "x\ny", "c\"q\"", DEFAULT_TS, -1, 2, -1));
    }

    @Test
    void utf8LabelValues() throws Exception {
      KubeletReport report = decode(series("container_memory_working_set_bytes", "n", "café-ü", "c", "2"));

      assertThat(report.containers()).extracting(ContainerSample::pod).containsExactly("café-ü");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{container=\"c\",pod=\"p\"}",
        "{container=\"c\",namespace=\"n\"}",
        "{namespace=\"n\",pod=\"p\"}",
        "{container=\"\",namespace=\"n\",pod=\"p\"}",
        "{container=\"c\",namespace=\"\",pod=\"p\"}",
        "",
    })
    void containerSeriesWithoutKeyLabelIsRejected(String labels) throws Exception {
      KubeletReport report = decode("container_cpu_usage_seconds_total" + labels + " 1\n");

      assertThat(report.containers()).isEmpty();
      assertThat(report.rejected()).containsExactly(new Dropped("series", Dropped.Cause.MISSING_LABELS,
          "container_cpu_usage_seconds_total without a namespace, pod or container label"));
    }
  }

  @Nested
  class Values {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "4.710169, 4710169000",
        "32.647341, 32647341000",
        "357.35491, 357354910000",
        "1.5e-3, 1500000",
        ".5, 500000000",
        "2., 2000000000",
        "+1, 1000000000",
        "-0, 0",
        "1E0, 1000000000",
        "007, 7000000000",
        "1.0000000005, 1000000000",
    })
    void cpuSecondsBecomeNanosRoundedDown(String value, long nanos) throws Exception {
      KubeletReport report = decode("node_cpu_usage_seconds_total " + value + "\n");

      assertThat(report.node().cpuNanos()).isEqualTo(nanos);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "12533760, 12533760",
        "1.253376e+07, 12533760",
        "4.8115712E+07, 48115712",
        "1e3, 1000",
        "2.9, 2",
    })
    void memoryBytesAreTruncated(String value, long bytes) throws Exception {
      KubeletReport report = decode("node_memory_working_set_bytes " + value + "\n");

      assertThat(report.node().memoryBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({
        "1.633252712e+09, 1633252712000",
        "1633252712.123, 1633252712123",
        "0.0015, 1",
    })
    void startSecondsBecomeMillisRoundedDown(String value, long millis) throws Exception {
      KubeletReport report = decode(series("container_start_time_seconds", "n", "p", "c", value));

      assertThat(report.containers().get(0).startTimeMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "+Inf", "-Inf", "Inf", "+infinity", "-1", "-0.5", "-4.710169e+00", "1e400",
        "1e10"})
    void unusableCpuValueMakesSeriesAbsentAndIsCounted(String value) throws Exception {
      KubeletReport report = decode(series("container_cpu_usage_seconds_total", "n", "p", "c", value + " 1")
          + series("container_memory_working_set_bytes", "n", "p", "c", "5 2"));

      assertThat(report.containers()).containsExactly(new ContainerSample("n", "p", "c", 2, -1, 5, -1));
      assertThat(report.rejected()).singleElement().satisfies(r -> {
        assertThat(r.subject()).isEqualTo("pod n/p");
        assertThat(r.cause()).isEqualTo(Dropped.Cause.UNUSABLE_VALUE);
        assertThat(r.detail()).startsWith("container_cpu_usage_seconds_total{container=\"c\"} is ");
      });
    }

    @Test
    void unusableNodeSeriesLeaveNoNode() throws Exception {
      KubeletReport report = decode("node_cpu_usage_seconds_total NaN\nnode_memory_working_set_bytes -1\n");

      assertThat(report.node()).isNull();
      assertThat(report.rejected()).containsExactly(
          new Dropped("node", Dropped.Cause.UNUSABLE_VALUE, "node_cpu_usage_seconds_total is NaN"),
          new Dropped("node", Dropped.Cause.UNUSABLE_VALUE, "node_memory_working_set_bytes is -1.0"));
    }

    @Test
    void memoryBeyondLongIsRejected() throws Exception {
      KubeletReport report = decode("node_memory_working_set_bytes 1e19\n");

      assertThat(report.node()).isNull();
      assertThat(report.rejected()).hasSize(1);
    }

    @Test
    void unusableStartTimeIsCounted() throws Exception {
      KubeletReport report = decode(series("container_start_time_seconds", "n", "p", "c", "-Inf"));

      assertThat(report.containers()).isEmpty();
      assertThat(report.rejected()).containsExactly(new Dropped("pod n/p", Dropped.Cause.UNUSABLE_VALUE,
          "container_start_time_seconds{container=\"c\"} is -Infinity"));
    }
  }

  @Nested
  class Timestamps {

    @Test
    void missingTimestampUsesDefault() throws Exception {
      KubeletReport report = decode("node_cpu_usage_seconds_total 1\n"
          + series("container_cpu_usage_seconds_total", "n", "p", "c", "1"));

      assertThat(report.node().timestampMillis()).isEqualTo(DEFAULT_TS);
      assertThat(report.containers().get(0).timestampMillis()).isEqualTo(DEFAULT_TS);
    }

    @Test
    void cpuTimestampWinsOverMemoryTimestamp() throws Exception {
      KubeletReport report = decode("node_memory_working_set_bytes 1 20\nnode_cpu_usage_seconds_total 1 10\n"
          + series("container_memory_working_set_bytes", "n", "p", "c", "1 40")
          + series("container_cpu_usage_seconds_total", "n", "p", "c", "1 30"));

      assertThat(report.node().timestampMillis()).isEqualTo(10);
      assertThat(report.containers().get(0).timestampMillis()).isEqualTo(30);
    }

    @Test
    void memoryTimestampWhenCpuIsAbsent() throws Exception {
      KubeletReport report = decode(series("container_memory_working_set_bytes", "n", "p", "c", "1 40"));

      assertThat(report.containers().get(0).timestampMillis()).isEqualTo(40);
    }

    @Test
    void startTimeTimestampIsIgnored() throws Exception {
      KubeletReport report = decode(series("container_start_time_seconds", "n", "p", "c", "1 99")
          + series("container_cpu_usage_seconds_total", "n", "p", "c", "1"));

      assertThat(report.containers().get(0).timestampMillis()).isEqualTo(DEFAULT_TS);
    }

    @ParameterizedTest
    @CsvSource({"-1000, -1000", "+1000, 1000", "0, 0", "-9223372036854775808, -9223372036854775808",
        "9223372036854775807, 9223372036854775807"})
    void signedTimestamps(String timestamp, long millis) throws Exception {
      KubeletReport report = decode("node_cpu_usage_seconds_total 1 " + timestamp + "\n");

      assertThat(report.node().timestampMillis()).isEqualTo(millis);
    }
  }

  @Nested
  class Errors {

    static Stream<Arguments> malformedLines() {
      return Stream.of(
          Arguments.of("container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"p\"",
              "unterminated label set"),
          Arguments.of("container_cpu_usage_seconds_total{container=\"c", "unterminated label set"),
          Arguments.of("container_cpu_usage_seconds_total{container=\"c\\", "unterminated label set"),
          Arguments.of("container_cpu_usage_seconds_total{container=\"c\\x\",namespace=\"n\",pod=\"p\"} 1",
              "invalid label value escape"),
          Arguments.of("node_cpu_usage_seconds_total abc", "invalid value \"abc\""),
          Arguments.of("node_cpu_usage_seconds_total 1.5f", "invalid value \"1.5f\""),
          Arguments.of("node_cpu_usage_seconds_total 0x1p3", "invalid value \"0x1p3\""),
          Arguments.of("node_cpu_usage_seconds_total 1e", "invalid value \"1e\""),
          Arguments.of("node_cpu_usage_seconds_total +NaN", "invalid value \"+NaN\""),
          Arguments.of("node_cpu_usage_seconds_total Infinit", "invalid value \"Infinit\""),
          Arguments.of("node_cpu_usage_seconds_total 1 x1", "invalid timestamp \"x1\""),
          Arguments.of("node_cpu_usage_seconds_total 1 1.5", "invalid timestamp \"1.5\""),
          Arguments.of("node_cpu_usage_seconds_total 1 -", "invalid timestamp \"-\""),
          Arguments.of("node_cpu_usage_seconds_total 1 9223372036854775808",
              "invalid timestamp \"9223372036854775808\""),
          Arguments.of("node_cpu_usage_seconds_total", "missing value"),
          Arguments.of("node_memory_working_set_bytes{} ", "missing value"),
          Arguments.of("node_cpu_usage_seconds_total 1 2 3", "unexpected text after timestamp"),
          Arguments.of("container_cpu_usage_seconds_total{container=\"c\" pod=\"p\"} 1",
              "expected ',' or '}' after label value"),
          Arguments.of("container_cpu_usage_seconds_total{container=c} 1", "expected '\"' to open label value"),
          Arguments.of("container_cpu_usage_seconds_total{container} 1", "expected '=' after label name"),
          Arguments.of("container_cpu_usage_seconds_total{,} 1", "invalid label name"),
          Arguments.of("container_cpu_usage_seconds_total{pod=\"a\",pod=\"b\"} 1", "duplicate label \"pod\""),
          Arguments.of("{container=\"c\"} 1", "invalid metric name"),
          Arguments.of("node-cpu 1", "invalid metric name"),
          Arguments.of("pod_cpu_usage_seconds_total{pod=\"p\" 1", "expected ',' or '}' after label value"),
          Arguments.of("some_other_metric one", "invalid value \"one\""));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void malformedLineNamesLineNumberProblemAndText(String line, String problem) {
      assertThatThrownBy(() -> decode("# HELP something\n" + line + "\nnode_cpu_usage_seconds_total 1\n"))
          .isInstanceOf(DecodeException.class)
          .hasMessage("line 2: " + problem + ": " + line);
    }

    @Test
    void lineNumbersCountCrlfAndBlankLines() {
      assertThatThrownBy(() -> decode(
          "# c\r\n\r\nnode_cpu_usage_seconds_total 1\r\nnode_memory_working_set_bytes x\r\n"))
          .isInstanceOf(DecodeException.class)
          .hasMessage("line 4: invalid value \"x\": node_memory_working_set_bytes x");
    }

    @Test
    void offendingLineIsTruncatedTo200Chars() {
      String line = "node_cpu_usage_seconds_total 1 " + "9".repeat(300) + "x";

      assertThatThrownBy(() -> decode(line))
          .isInstanceOf(DecodeException.class)
          .hasMessage("line 1: invalid timestamp \"" + "9".repeat(64) + "\": " + line.substring(0, 200));
    }

    @Test
    void controlCharactersDoNotReachTheMessage() {
      assertThatThrownBy(() -> decode("node_cpu_usage_seconds_total \u0000\u001b[2J\r1"))
          .isInstanceOf(DecodeException.class)
          .hasMessageStartingWith("line 1: invalid value")
          .hasMessageNotContaining("\u0000")
          .hasMessageNotContaining("\u001b")
          .hasMessageNotContaining("\r");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>"
            + "\r\n</body>\r\n</html>\r\n",
        "Unauthorized\n",
        "Internal Server Error",
        "404 page not found\n",
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":403}",
    })
    void errorPagesAreRejected(String body) {
      assertThatThrownBy(() -> decode(body))
          .isInstanceOf(DecodeException.class)
          .hasMessageStartingWith("line 1: ");
    }

    @Test
    void gzipBodyIsRejected() {
      byte[] gzip = {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, (byte) 0xcb, 0x48, (byte) 0xcd};

      assertThatThrownBy(() -> ResourceMetricsDecoder.decode(gzip, gzip.length, DEFAULT_TS))
          .isInstanceOf(DecodeException.class);
    }

    @Test
    void lengthOutsideTheBufferIsRejected() {
      byte[] body = new byte[4];

      assertThatThrownBy(() -> ResourceMetricsDecoder.decode(body, 5, DEFAULT_TS))
          .isInstanceOf(DecodeException.class);
      assertThatThrownBy(() -> ResourceMetricsDecoder.decode(body, -1, DEFAULT_TS))
          .isInstanceOf(DecodeException.class);
      assertThatThrownBy(() -> ResourceMetricsDecoder.decode(null, 0, DEFAULT_TS))
          .isInstanceOf(DecodeException.class);
    }
  }

  /** Whatever the bytes, the decoder either succeeds or throws DecodeException: never anything else. */
  @Nested
  class Robustness {

    private static final byte[] ALPHABET =
        "{}\",=\\ \t\n\r#eE+-.0123456789naINfxp_:pod".getBytes(UTF_8);
    private static final byte[] STRUCTURAL = "{}\",=\\ \n#e.-".getBytes(UTF_8);

    @Test
    void randomBytes() {
      Random random = new Random(42);
      for (int i = 0; i < 5_000; i++) {
        byte[] body = new byte[random.nextInt(300)];
        random.nextBytes(body);
        assertDecodesOrRejects(body, body.length);
      }
    }

    @Test
    void randomSyntaxCharacters() {
      Random random = new Random(7);
      for (int i = 0; i < 5_000; i++) {
        byte[] body = new byte[random.nextInt(120)];
        for (int j = 0; j < body.length; j++) {
          body[j] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        assertDecodesOrRejects(body, body.length);
      }
    }

    @Test
    void everyPrefixOfEveryFixture() throws IOException {
      for (String name : FIXTURES) {
        byte[] body = fixture(name);
        for (int length = 0; length <= body.length; length++) {
          assertDecodesOrRejects(body, length);
        }
      }
    }

    @Test
    void everySingleByteMutationOfAFixture() throws IOException {
      byte[] original = fixture("kubelet-v1.22.txt");
      for (int position = 0; position < original.length; position++) {
        for (byte replacement : STRUCTURAL) {
          byte[] body = original.clone();
          body[position] = replacement;
          assertDecodesOrRejects(body, body.length);
        }
      }
    }

    private void assertDecodesOrRejects(byte[] body, int length) {
      try {
        KubeletReport report = ResourceMetricsDecoder.decode(body, length, DEFAULT_TS);
        assertThat(report.rejected()).allSatisfy(r -> assertThat(r.detail()).isNotEmpty());
        assertThat(report.containers()).allSatisfy(sample -> {
          assertThat(sample.namespace()).isNotEmpty();
          assertThat(sample.pod()).isNotEmpty();
          assertThat(sample.container()).isNotEmpty();
        });
      } catch (DecodeException expected) {
        assertThat(expected.getMessage()).startsWith("line ");
      }
    }
  }

  /** The decimal fast path must give Double.parseDouble's double, bit for bit, or step aside. */
  @Nested
  class ExactDecimals {

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "000.000", "1", "32.647341", "357.35491", "1.616273408e+09", "1.17227776E9",
        "4.710169", "1e22", "1e23", "1e-22", "1e-23", "123456789012345", "1234567890123456", "0.1", "0.3",
        "9007199254740993", "1.7976931348623157e308", "4.9e-324", "0.000000001", "5e-324", "2.5E-7", "7.", ".5",
        "1633253812.125", "99999999999999.9", "1e+0", "1E-0"})
    void matchesParseDouble(String text) {
      assertExact(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"32.647341", "1.616273408e+09", "1633253812.125", "0", "48115712"})
    void kubeletValuesTakeTheFastPath(String text) {
      byte[] bytes = text.getBytes(UTF_8);
      assertThat(ResourceMetricsDecoder.exactDecimal(bytes, 0, bytes.length)).isEqualTo(Double.parseDouble(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567890123456", "1e23", "1e-23", "0.1234567890123456"})
    void othersAreLeftToParseDouble(String text) {
      byte[] bytes = text.getBytes(UTF_8);
      assertThat(ResourceMetricsDecoder.exactDecimal(bytes, 0, bytes.length)).isEqualTo(-1);
    }

    @Test
    void randomKubeletLikeValues() {
      Random random = new Random(7);
      for (int i = 0; i < 200_000; i++) {
        String text = switch (i % 4) {
          case 0 -> Long.toString(random.nextLong() >>> random.nextInt(64));
          case 1 -> (random.nextLong() >>> 24) / 1e9 + "";
          case 2 -> String.format("%.9f", random.nextDouble() * Math.pow(10, random.nextInt(12)));
          default -> String.format("%." + random.nextInt(17) + "e", random.nextDouble() * 1e10);
        };
        assertExact(text);
      }
    }

    private void assertExact(String text) {
      byte[] bytes = text.getBytes(UTF_8);
      double fast = ResourceMetricsDecoder.exactDecimal(bytes, 0, bytes.length);
      if (fast >= 0) {
        assertThat(Double.doubleToRawLongBits(fast)).as(text)
            .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
      }
    }
  }

  private static KubeletReport decode(String body) throws DecodeException {
    return decode(body.getBytes(UTF_8));
  }

  private static KubeletReport decode(byte[] body) throws DecodeException {
    return ResourceMetricsDecoder.decode(body, body.length, DEFAULT_TS);
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = ResourceMetricsDecoderTest.class.getResourceAsStream("/kubelet/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  /** One line of a container family; {@code valueAndTimestamp} is written verbatim after the labels. */
  private static String series(String family, String namespace, String pod, String container,
      String valueAndTimestamp) {
    return family + "{container=\"" + container + "\",namespace=\"" + namespace + "\",pod=\"" + pod + "\"} "
        + valueAndTimestamp + "\n";
  }
}
