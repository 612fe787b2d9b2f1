package dev.pulse.metrics.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The entity tags of the API server's static documents: SHA-512 of the bytes, in upper-case hex. */
public final class ETags {

  private ETags() {}

  public static String sha512(byte[] data) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-512", e);
    }
  }
}
