package dev.pulse.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Clients (kubectl, the HPA, VPA) parse the quantity strings metrics-server sends, and golden
 * comparisons see them byte for byte, so Pulse must print exactly what Go's
 * {@code resource.Quantity.String()} prints (k8s.io/apimachinery/pkg/api/resource, CanonicalizeBytes).
 * Every expectation below is worked out by hand from those rules, not by running Pulse.
 */
class QuantitiesTest {

  /**
   * metrics-server builds CPU as {@code NewScaledQuantity(nanocores, -9)}: an int64 mantissa with
   * scale -9 and DecimalSI format. Go's canonical form: zero prints {@code "0"}; otherwise strip
   * trailing decimal zeros from the mantissa (each raises the exponent by one), then, if the
   * exponent is not a multiple of 3, multiply the mantissa by 10 or 100 to bring the exponent
   * down to the next multiple of 3, and print mantissa + SI suffix (n=-9, u=-6, m=-3, ""=0).
   */
  @ParameterizedTest(name = "{0} nanocores -> {1}")
  @CsvSource({
    // zero is special-cased before any scaling
    "0, 0",
    // no trailing zeros, exponent -9 -> 'n'
    "287982098, 287982098n",
    // 15 x 10^(5-9) = 15e-4; -4 is not a multiple of 3: 1500e-6 -> 'u'
    "1500000, 1500u",
    // 1e-3 -> 'm'
    "1000000, 1m",
    // 25e-2 -> 250e-3
    "250000000, 250m",
    // 1e0 -> no suffix
    "1000000000, 1",
    // 25e-1 -> 2500e-3: Go never prints "2.5"
    "2500000000, 2500m",
    // 12e0
    "12000000000, 12",
    // 1e-6 -> 'u'
    "1000, 1u",
  })
  void cpuIsACanonicalDecimalQuantityAtNanoScale(long nanocores, String expected) {
    assertThat(Quantities.cpu(nanocores)).isEqualTo(expected);
  }

  /**
   * metrics-server builds memory as {@code NewQuantity(bytes, BinarySI)}. Go's canonical form:
   * zero prints {@code "0"}; a value strictly between -1024 and 1024 is printed in DecimalSI
   * instead ("avoids rounding and hopefully confusion"), so the decimal rule above applies to it;
   * otherwise divide by 1024 while it divides exactly and print mantissa + Ki/Mi/Gi/...
   * (no suffix when 1024 does not divide it at all).
   */
  @ParameterizedTest(name = "{0} bytes -> {1}")
  @CsvSource({
    "0, 0",
    // below 1024: decimal, 512 has no trailing zeros
    "512, 512",
    // below 1024: decimal, 1 x 10^3 -> 'k' (not "1000")
    "1000, 1k",
    // below 1024: decimal, no trailing zeros
    "1023, 1023",
    // 1024 = 1 x 1024^1
    "1024, 1Ki",
    // 1025 is not divisible by 1024: bare bytes, binary format is kept (no 'k')
    "1025, 1025",
    // 2391080960 = 2335040 x 1024, and 2335040 is not divisible by 1024
    "2391080960, 2335040Ki",
    // 1024^2
    "1048576, 1Mi",
    // 1024^3
    "1073741824, 1Gi",
    // 1.5 GiB = 1610612736 = 1536 x 1024^2; 1536 is not divisible by 1024
    "1610612736, 1536Mi",
  })
  void memoryIsACanonicalBinaryQuantity(long bytes, String expected) {
    assertThat(Quantities.memory(bytes)).isEqualTo(expected);
  }
}
