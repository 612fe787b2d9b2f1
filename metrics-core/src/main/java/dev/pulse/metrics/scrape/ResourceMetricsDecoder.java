package dev.pulse.metrics.scrape;

import dev.pulse.metrics.storage.ContainerSample;
import dev.pulse.metrics.storage.Dropped;
import dev.pulse.metrics.storage.KubeletReport;
import dev.pulse.metrics.storage.NodeSample;
import dev.pulse.metrics.storage.PodRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes the body of a kubelet {@code GET /metrics/resource} response (Prometheus text exposition format 0.0.4)
 * into node and container usage.
 *
 * <p>Only the node and container CPU, working-set and start-time families are kept; every other line is
 * checked for syntax and skipped.
 */
public final class ResourceMetricsDecoder {

  private static final int QUOTED_LINE_CHARS = 200;
  private static final int QUOTED_TOKEN_CHARS = 64;

  /** Below 2^53, every integer is a double. */
  private static final int MAX_EXACT_DIGITS = 15;
  /** 10^22 is the largest power of ten a double holds exactly. */
  private static final int MAX_EXACT_POWER = 22;
  private static final double[] POWERS_OF_TEN = new double[MAX_EXACT_POWER + 1];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i <= MAX_EXACT_POWER; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private ResourceMetricsDecoder() {}

  /**
   * The value of an unsigned decimal of at most 15 significant digits and a small exponent, or -1
   * when it is not one. What kubelets write (seconds with nanosecond digits, byte counts in
   * {@code %g}) nearly always is: then both the digits and the power of ten are exact doubles, so
   * one IEEE multiplication or division rounds exactly as {@code Double.parseDouble} does
   * (Clinger's fast path), without building a String per sample.
   */
  static double exactDecimal(byte[] buf, int i, int valueEnd) {
    long digits = 0;
    int significant = 0;
    int exponent = 0;
    boolean fraction = false;
    for (; i < valueEnd; i++) {
      byte b = buf[i];
      if (b >= '0' && b <= '9') {
        if (digits != 0 || b != '0') {
          if (++significant > MAX_EXACT_DIGITS) {
            return -1;
          }
          digits = digits * 10 + (b - '0');
        }
        if (fraction) {
          exponent--;
        }
      } else if (b == '.' && !fraction) {
        fraction = true;
      } else {
        break;
      }
    }
    if (i < valueEnd) {
      // isDecimal() has checked the syntax: an exponent follows, with an optional sign.
      i++;
      boolean negative = buf[i] == '-';
      if (negative || buf[i] == '+') {
        i++;
      }
      int e = 0;
      for (; i < valueEnd; i++) {
        if (e > 1000) {
          return -1;
        }
        e = e * 10 + (buf[i] - '0');
      }
      exponent += negative ? -e : e;
    }
    if (digits == 0) {
      return 0;
    }
    if (exponent < -MAX_EXACT_POWER || exponent > MAX_EXACT_POWER) {
      return -1;
    }
    return exponent < 0 ? digits / POWERS_OF_TEN[-exponent] : digits * POWERS_OF_TEN[exponent];
  }

  /**
   * Decodes {@code body[0..length)}.
   *
   * @param defaultTimestampMillis timestamp for samples without one (the request start time)
   * @throws DecodeException if the body is not valid text exposition format; the message names the line
   */
  public static KubeletReport decode(byte[] body, int length, long defaultTimestampMillis)
      throws DecodeException {
    return decode(body, length, defaultTimestampMillis, new LabelValues());
  }

  /**
   * Decodes {@code body[0..length)}, taking namespace, pod and container names from {@code names}:
   * the node's own, kept from one scrape to the next.
   */
  static KubeletReport decode(byte[] body, int length, long defaultTimestampMillis, LabelValues names)
      throws DecodeException {
    if (body == null || length < 0 || length > body.length) {
      throw new DecodeException(
          "body length " + length + " outside a buffer of " + (body == null ? 0 : body.length) + " bytes");
    }
    Accumulator accumulator = new Accumulator();
    names.nextReport();
    LineParser parser = new LineParser(body, defaultTimestampMillis, accumulator, names);
    int lineNumber = 0;
    int start = 0;
    while (start < length) {
      int newline = indexOfNewline(body, start, length);
      int end = newline > start && body[newline - 1] == '\r' ? newline - 1 : newline;
      parser.parse(start, end, ++lineNumber);
      start = newline + 1;
    }
    return accumulator.report();
  }

  private static int indexOfNewline(byte[] body, int from, int to) {
    for (int i = from; i < to; i++) {
      if (body[i] == '\n') {
        return i;
      }
    }
    return to;
  }

  /**
   * Floor of {@code value * scale}, or -1 when the value cannot be a usage figure. Kubelet writes integer
   * nanoseconds divided by 1e9, and multiplying back can land one ulp below that integer (32.647341 * 1e9 =
   * 32647340999.999996), so step up when the next integer alone maps back to exactly this value.
   */
  private static long toUnits(double value, double scale) {
    if (!(value >= 0)) {
      return -1;
    }
    double scaled = Math.floor(value * scale);
    if (!(scaled < 0x1p63)) {
      return -1;
    }
    long units = (long) scaled;
    return units / scale != value && (units + 1) / scale == value ? units + 1 : units;
  }

  private enum Family {
    NODE_CPU("node_cpu_usage_seconds_total", 1e9),
    NODE_MEMORY("node_memory_working_set_bytes", 1),
    CONTAINER_CPU("container_cpu_usage_seconds_total", 1e9),
    CONTAINER_MEMORY("container_memory_working_set_bytes", 1),
    CONTAINER_START("container_start_time_seconds", 1e3);

    private static final Family[] ALL = values();

    private final String metricName;
    private final byte[] name;
    private final double scale;

    Family(String name, double scale) {
      this.metricName = name;
      this.name = name.getBytes(StandardCharsets.US_ASCII);
      this.scale = scale;
    }

    boolean perContainer() {
      return this != NODE_CPU && this != NODE_MEMORY;
    }

    static Family of(byte[] buf, int start, int end) {
      for (Family family : ALL) {
        if (family.name.length == end - start
            && Arrays.equals(family.name, 0, family.name.length, buf, start, end)) {
          return family;
        }
      }
      return null;
    }
  }

  /** Tokenizes one line of the body in place; reports lines of kept families to the accumulator. */
  private static final class LineParser {

    private static final int NAMESPACE = 0;
    private static final int POD = 1;
    private static final int CONTAINER = 2;
    private static final String[] KEY_LABEL_NAMES = {"namespace", "pod", "container"};
    private static final byte[][] KEY_LABELS =
        Arrays.stream(KEY_LABEL_NAMES).map(LineParser::ascii).toArray(byte[][]::new);
    private static final byte[] INF = ascii("inf");
    private static final byte[] INFINITY = ascii("infinity");
    private static final byte[] NAN = ascii("nan");

    private final byte[] buf;
    private final long defaultTimestamp;
    private final Accumulator accumulator;
    private final LabelValues names;
    private final String[] keyLabels = new String[KEY_LABELS.length];
    private int lineStart;
    private int end;
    private int pos;
    private int lineNumber;

    LineParser(byte[] buf, long defaultTimestamp, Accumulator accumulator, LabelValues names) {
      this.buf = buf;
      this.defaultTimestamp = defaultTimestamp;
      this.accumulator = accumulator;
      this.names = names;
    }

    void parse(int start, int end, int lineNumber) throws DecodeException {
      this.lineStart = start;
      this.end = end;
      this.pos = start;
      this.lineNumber = lineNumber;
      skipBlanks();
      if (pos == end || buf[pos] == '#') {
        return;
      }
      Family family = readMetricName();
      Arrays.fill(keyLabels, null);
      skipBlanks();
      if (pos < end && buf[pos] == '{') {
        readLabels(family != null && family.perContainer());
      }
      skipBlanks();
      int valueStart = pos;
      int valueEnd = skipToken();
      if (valueStart == valueEnd) {
        throw fail("missing value");
      }
      double value = readValue(valueStart, valueEnd, family != null);
      skipBlanks();
      long timestamp = defaultTimestamp;
      if (pos < end) {
        int timestampStart = pos;
        timestamp = readTimestamp(timestampStart, skipToken());
        skipBlanks();
        if (pos < end) {
          throw fail("unexpected text after timestamp");
        }
      }
      if (family != null) {
        accumulator.add(family, keyLabels, value, timestamp);
      }
    }

    private Family readMetricName() throws DecodeException {
      int start = pos;
      if (isNameStart(buf[pos])) {
        do {
          pos++;
        } while (pos < end && (isNameStart(buf[pos]) || isDigit(buf[pos])));
      }
      if (pos == start || pos < end && !isBlank(buf[pos]) && buf[pos] != '{') {
        throw fail("invalid metric name");
      }
      return Family.of(buf, start, pos);
    }

    private void readLabels(boolean keepKeyLabels) throws DecodeException {
      pos++;
      while (true) {
        skipBlanks();
        requireMore();
        if (buf[pos] == '}') {
          pos++;
          return;
        }
        int nameStart = pos;
        while (pos < end && isLabelNameChar(buf[pos])) {
          pos++;
        }
        if (pos == nameStart) {
          throw fail("invalid label name");
        }
        int keyLabel = keepKeyLabels ? keyLabel(nameStart, pos) : -1;
        expect('=', "expected '=' after label name");
        expect('"', "expected '\"' to open label value");
        String value = readLabelValue(keyLabel >= 0);
        if (keyLabel >= 0) {
          if (keyLabels[keyLabel] != null) {
            throw fail("duplicate label \"" + KEY_LABEL_NAMES[keyLabel] + "\"");
          }
          keyLabels[keyLabel] = value;
        }
        skipBlanks();
        requireMore();
        if (buf[pos] == ',') {
          pos++;
        } else if (buf[pos] != '}') {
          throw fail("expected ',' or '}' after label value");
        }
      }
    }

    /** Returns the value only when asked, so labels nobody reads cost no allocation. */
    private String readLabelValue(boolean materialise) throws DecodeException {
      int start = pos;
      boolean escaped = false;
      while (true) {
        requireMore();
        byte b = buf[pos];
        if (b == '"') {
          break;
        }
        if (b == '\\') {
          pos++;
          requireMore();
          if (buf[pos] != '\\' && buf[pos] != '"' && buf[pos] != 'n') {
            throw fail("invalid label value escape");
          }
          escaped = true;
        }
        pos++;
      }
      int valueEnd = pos++;
      if (!materialise) {
        return null;
      }
      return escaped ? unescape(start, valueEnd) : names.of(buf, start, valueEnd);
    }

    private String unescape(int start, int valueEnd) {
      byte[] out = new byte[valueEnd - start];
      int n = 0;
      for (int i = start; i < valueEnd; i++) {
        byte b = buf[i];
        if (b == '\\') {
          b = buf[++i] == 'n' ? (byte) '\n' : buf[i];
        }
        out[n++] = b;
      }
      return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Accepts Go's {@code strconv.ParseFloat} spellings as the Prometheus parser does, and nothing Java adds
     * (hex, {@code 1d}, {@code 1f}); decimals of ignored families are only checked, never converted.
     */
    private double readValue(int start, int valueEnd, boolean convert) throws DecodeException {
      int i = start;
      boolean signed = buf[i] == '+' || buf[i] == '-';
      if (signed) {
        i++;
      }
      if (equalsIgnoreCase(i, valueEnd, INF) || equalsIgnoreCase(i, valueEnd, INFINITY)) {
        return buf[start] == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      if (!signed && equalsIgnoreCase(i, valueEnd, NAN)) {
        return Double.NaN;
      }
      if (!isDecimal(i, valueEnd)) {
        throw fail("invalid value \"" + printable(start, valueEnd, QUOTED_TOKEN_CHARS) + "\"");
      }
      if (!convert) {
        return 0;
      }
      double exact = signed ? -1 : exactDecimal(buf, start, valueEnd);
      return exact >= 0 ? exact
          : Double.parseDouble(new String(buf, start, valueEnd - start, StandardCharsets.ISO_8859_1));
    }

    private boolean isDecimal(int i, int valueEnd) {
      int digits = 0;
      for (; i < valueEnd && isDigit(buf[i]); i++) {
        digits++;
      }
      if (i < valueEnd && buf[i] == '.') {
        for (i++; i < valueEnd && isDigit(buf[i]); i++) {
          digits++;
        }
      }
      if (digits == 0) {
        return false;
      }
      if (i < valueEnd && (buf[i] == 'e' || buf[i] == 'E')) {
        i++;
        if (i < valueEnd && (buf[i] == '+' || buf[i] == '-')) {
          i++;
        }
        int exponentStart = i;
        while (i < valueEnd && isDigit(buf[i])) {
          i++;
        }
        if (i == exponentStart) {
          return false;
        }
      }
      return i == valueEnd;
    }

    /** Parses a signed decimal long, accumulating negatively so that Long.MIN_VALUE fits too. */
    private long readTimestamp(int start, int timestampEnd) throws DecodeException {
      boolean negative = buf[start] == '-';
      int i = negative || buf[start] == '+' ? start + 1 : start;
      long accumulated = 0;
      boolean valid = i < timestampEnd;
      for (; valid && i < timestampEnd; i++) {
        int digit = buf[i] - '0';
        valid = digit >= 0 && digit <= 9 && accumulated >= (Long.MIN_VALUE + digit) / 10;
        accumulated = accumulated * 10 - digit;
      }
      if (!valid || !negative && accumulated == Long.MIN_VALUE) {
        throw fail("invalid timestamp \"" + printable(start, timestampEnd, QUOTED_TOKEN_CHARS) + "\"");
      }
      return negative ? accumulated : -accumulated;
    }

    private int keyLabel(int nameStart, int nameEnd) {
      for (int i = 0; i < KEY_LABELS.length; i++) {
        byte[] label = KEY_LABELS[i];
        if (label.length == nameEnd - nameStart && Arrays.equals(label, 0, label.length, buf, nameStart, nameEnd)) {
          return i;
        }
      }
      return -1;
    }

    private void expect(char expected, String problem) throws DecodeException {
      skipBlanks();
      requireMore();
      if (buf[pos] != expected) {
        throw fail(problem);
      }
      pos++;
    }

    /** Within a label set the line must not end yet. */
    private void requireMore() throws DecodeException {
      if (pos == end) {
        throw fail("unterminated label set");
      }
    }

    private void skipBlanks() {
      while (pos < end && isBlank(buf[pos])) {
        pos++;
      }
    }

    private int skipToken() {
      while (pos < end && !isBlank(buf[pos])) {
        pos++;
      }
      return pos;
    }

    private boolean equalsIgnoreCase(int start, int tokenEnd, byte[] lowerCase) {
      if (tokenEnd - start != lowerCase.length) {
        return false;
      }
      for (int i = 0; i < lowerCase.length; i++) {
        if ((buf[start + i] | 0x20) != lowerCase[i]) {
          return false;
        }
      }
      return true;
    }

    private DecodeException fail(String problem) {
      return new DecodeException(
          "line " + lineNumber + ": " + problem + ": " + printable(lineStart, end, QUOTED_LINE_CHARS));
    }

    /** Text for error messages: bounded, and with control bytes replaced so garbage cannot forge log lines. */
    private String printable(int start, int textEnd, int maxChars) {
      String text = new String(buf, start, Math.min(textEnd - start, maxChars * 4), StandardCharsets.UTF_8);
      StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars));
      for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
        char c = text.charAt(i);
        out.append(Character.isISOControl(c) && c != '\t' ? '\uFFFD' : c);
      }
      return out.toString();
    }

    private static boolean isBlank(byte b) {
      return b == ' ' || b == '\t';
    }

    private static boolean isDigit(byte b) {
      return b >= '0' && b <= '9';
    }

    private static boolean isNameStart(byte b) {
      return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == ':';
    }

    /** Lenient on purpose: label names of families we skip must not fail the whole scrape. */
    private static boolean isLabelNameChar(byte b) {
      return !isBlank(b) && b != '=' && b != ',' && b != '"' && b != '{' && b != '}';
    }

    private static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** Merges the per-family series into one sample per node and per container. */
  private static final class Accumulator {

    private final Usage node = new Usage();
    private final Map<ContainerKey, Usage> containers = new LinkedHashMap<>();
    /** Samples left out: rare, so allocated on the first one. */
    private List<Dropped> rejected = List.of();

    void add(Family family, String[] keyLabels, double value, long timestamp) {
      long units = toUnits(value, family.scale);
      if (!family.perContainer()) {
        if (units < 0) {
          reject(new Dropped(Dropped.NODE, Dropped.Cause.UNUSABLE_VALUE, family.metricName + " is " + value));
        } else {
          node.set(family, units, timestamp);
        }
        return;
      }
      String namespace = keyLabels[LineParser.NAMESPACE];
      String pod = keyLabels[LineParser.POD];
      String container = keyLabels[LineParser.CONTAINER];
      if (isEmpty(namespace) || isEmpty(pod) || isEmpty(container)) {
        reject(new Dropped(Dropped.SERIES, Dropped.Cause.MISSING_LABELS,
            family.metricName + " without a namespace, pod or container label"));
        return;
      }
      if (units < 0) {
        reject(new Dropped(Dropped.pod(new PodRef(namespace, pod)), Dropped.Cause.UNUSABLE_VALUE,
            family.metricName + "{container=\"" + container + "\"} is " + value));
        return;
      }
      containers.computeIfAbsent(new ContainerKey(namespace, pod, container), key -> new Usage())
          .set(family, units, timestamp);
    }

    private void reject(Dropped dropped) {
      if (rejected.isEmpty()) {
        rejected = new ArrayList<>(1);
      }
      rejected.add(dropped);
    }

    KubeletReport report() {
      NodeSample nodeSample = node.cpu < 0 && node.memory < 0
          ? null
          : new NodeSample(node.timestamp(), node.cpu, node.memory);
      List<ContainerSample> samples = new ArrayList<>(containers.size());
      containers.forEach((key, usage) -> samples.add(new ContainerSample(
          key.namespace(), key.pod(), key.container(), usage.timestamp(), usage.cpu, usage.memory, usage.start)));
      return new KubeletReport(nodeSample, samples, rejected);
    }

    private static boolean isEmpty(String label) {
      return label == null || label.isEmpty();
    }
  }

  /** equals and hashCode written out, as {@link PodRef}'s are, for the client compiler. */
  private record ContainerKey(String namespace, String pod, String container) {

    @Override
    public boolean equals(Object o) {
      return o instanceof ContainerKey other && Objects.equals(container, other.container)
          && Objects.equals(pod, other.pod) && Objects.equals(namespace, other.namespace);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Objects.hashCode(namespace) + Objects.hashCode(pod)) + Objects.hashCode(container);
    }
  }

  private static final class Usage {

    private long cpu = -1;
    private long cpuTimestamp;
    private long memory = -1;
    private long memoryTimestamp;
    private long start = -1;

    void set(Family family, long units, long timestamp) {
      switch (family) {
        case NODE_CPU, CONTAINER_CPU -> {
          cpu = units;
          cpuTimestamp = timestamp;
        }
        case NODE_MEMORY, CONTAINER_MEMORY -> {
          memory = units;
          memoryTimestamp = timestamp;
        }
        case CONTAINER_START -> start = units;
      }
    }

    long timestamp() {
      if (cpu >= 0) {
        return cpuTimestamp;
      }
      return memory >= 0 ? memoryTimestamp : -1;
    }
  }
}
