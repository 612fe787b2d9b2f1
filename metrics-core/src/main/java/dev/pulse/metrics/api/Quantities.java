package dev.pulse.metrics.api;

/**
 * Canonical Kubernetes quantity strings, exactly as {@code resource.Quantity.String()} renders
 * them, because clients compare and parse what metrics-server sends.
 */
public final class Quantities {

  private static final String[] DECIMAL_SUFFIXES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Quantities() {}

  /** CPU in nanocores, as {@code NewScaledQuantity(n, -9)}: {@code "287982098n"}, {@code "1500u"}, {@code "2"}. */
  public static String cpu(long nanocores) {
    return decimal(nanocores, -9);
  }

  /** Bytes, as {@code NewQuantity(n, BinarySI)}: {@code "2335016Ki"}, {@code "1025"}, {@code "1k"}. */
  public static String memory(long bytes) {
    if (bytes > -1024 && bytes < 1024) {
      // Go renders small binary quantities in decimal SI to avoid fractional binary suffixes.
      return decimal(bytes, 0);
    }
    long mantissa = bytes;
    int exponent = 0;
    while (mantissa % 1024 == 0 && exponent < BINARY_SUFFIXES.length - 1) {
      mantissa /= 1024;
      exponent++;
    }
    return mantissa + BINARY_SUFFIXES[exponent];
  }

  private static String decimal(long value, int scale) {
    if (value == 0) {
      return "0";
    }
    long mantissa = value;
    int exponent = scale;
    while (mantissa % 10 == 0) {
      mantissa /= 10;
      exponent++;
    }
    // Suffixes step by 10^3: move the exponent down to a multiple of 3.
    int shift = Math.floorMod(exponent, 3);
    for (int i = 0; i < shift; i++) {
      mantissa *= 10;
    }
    exponent -= shift;
    return mantissa + DECIMAL_SUFFIXES[exponent / 3 + 3];
  }
}
