package dev.pulse.metrics.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * JSON as Go's {@code json.MarshalIndent(v, "", "  ")} writes it: the API server's raw JSON answers
 * ({@code /version}, the path index) are indented like that for every client, not only for curl.
 */
final class IndentedJson {

  private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");
  private static final ObjectWriter WRITER = new ObjectMapper().writer(new DefaultPrettyPrinter()
      .withSeparators(Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
      .withObjectIndenter(INDENT)
      .withArrayIndenter(INDENT));

  private IndentedJson() {}

  static byte[] write(Object value) {
    try {
      return WRITER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings always encode", e);
    }
  }
}
