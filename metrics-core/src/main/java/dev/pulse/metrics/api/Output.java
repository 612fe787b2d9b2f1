package dev.pulse.metrics.api;

import dev.pulse.metrics.api.representation.MediaType;
import dev.pulse.metrics.api.types.PartialObjectMetadata;
import dev.pulse.metrics.api.types.PartialObjectMetadataList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What to answer a client with, from its Accept header, decided as metrics-server's generic API
 * server decides it: first go-restful's route check (some media range, parameters and q ignored,
 * must be {@code *}{@code /*} or exactly a type the route produces), then apiserver's negotiation
 * (goautoneg's ordering; the first clause, in that order, whose type, parameters and conversion the
 * endpoint accepts). {@code q=0} does not refuse a type there; {@code application/*} alone passes
 * negotiation but not the route check. Conversions are to {@code meta.k8s.io} v1 or v1beta1 kinds:
 * a Table (JSON or YAML only) or an object's or list's metadata alone.
 *
 * @param version the {@code meta.k8s.io} version converted to; null without a conversion
 */
public record Output(MediaType mediaType, Conversion conversion, String version) {

  /** What the object becomes before encoding, as the Accept parameters {@code as}, {@code g}, {@code v} ask. */
  public enum Conversion {
    NONE(null),
    TABLE("Table"),
    PARTIAL_OBJECT_METADATA(PartialObjectMetadata.KIND),
    PARTIAL_OBJECT_METADATA_LIST(PartialObjectMetadataList.KIND);

    final String kind;

    Conversion(String kind) {
      this.kind = kind;
    }
  }

  public static final Output JSON = new Output(MediaType.JSON, Conversion.NONE, null);
  public static final Output YAML = new Output(MediaType.YAML, Conversion.NONE, null);
  public static final Output PROTOBUF = new Output(MediaType.PROTOBUF, Conversion.NONE, null);

  private static final String META_GROUP = "meta.k8s.io";
  /** {@code ListOptions}' group version: the only server version ({@code sv}) an endpoint takes. */
  private static final String META_VERSION = "v1";
  private static final List<String> CONVERSION_VERSIONS = List.of("v1", "v1beta1");
  private static final String WATCH = "watch";

  /** The converted object's apiVersion ({@code meta.k8s.io/v1}...), null for plain objects. */
  public String apiVersion() {
    return version == null ? null : META_GROUP + "/" + version;
  }

  /** The representation of a metrics resource, or null when the client accepts none Pulse can produce. */
  public static Output negotiate(String accept) {
    accept = headerValue(accept);
    if (unavailable(accept, true) != null) {
      return null;
    }
    if (accept.isEmpty()) {
      return JSON;
    }
    for (AcceptClauses.Clause clause : AcceptClauses.parse(accept)) {
      for (MediaType media : MediaType.values()) {
        if (matches(clause, media)) {
          Output output = output(clause, media, true);
          if (output != null) {
            return output;
          }
        }
      }
    }
    return null;
  }

  /**
   * How a Status error is encoded ({@code responsewriters.ErrorNegotiated}): the first acceptable
   * plain representation, no conversions; JSON when there is none.
   */
  public static MediaType forError(String accept) {
    MediaType plain = plain(accept);
    return plain == null ? MediaType.JSON : plain;
  }

  /**
   * The first acceptable plain representation, no conversions, or null: how errors and the
   * discovery documents are negotiated.
   */
  public static MediaType plain(String accept) {
    accept = headerValue(accept);
    if (accept.isEmpty()) {
      return MediaType.JSON;
    }
    for (AcceptClauses.Clause clause : AcceptClauses.parse(accept)) {
      for (MediaType media : MediaType.values()) {
        if (matches(clause, media) && output(clause, media, false) != null) {
          return media;
        }
      }
    }
    return null;
  }

  /**
   * go-restful's refusal, before any handler runs: the representations the route produces, or
   * null when the Accept header passes its check. A list route also produces watch streams.
   */
  public static String unavailable(String accept, boolean listRoute) {
    String ranges = headerValue(accept).isEmpty() ? "*/*" : headerValue(accept);
    for (String range : ranges.split(",", -1)) {
      int params = range.indexOf(';');
      String type = AcceptClauses.trimSpaces(params < 0 ? range : range.substring(0, params));
      if (type.equals("*/*") || Stream.of(MediaType.values()).anyMatch(m -> m.contentType().equals(type))) {
        return null;
      }
    }
    return produced(listRoute);
  }

  /** What a route produces, in go-restful's order: the media types, then (for lists) their watch streams. */
  private static String produced(boolean listRoute) {
    List<String> types = new ArrayList<>();
    Stream.of(MediaType.values()).forEach(m -> types.add(m.contentType()));
    if (listRoute) {
      Stream.of(MediaType.values()).filter(m -> m.streams)
          .forEach(m -> types.add(m.contentType() + ";stream=" + WATCH));
    }
    return String.join(", ", types);
  }

  /** The representations negotiation can pick, as its 406 message lists them. */
  static String negotiable() {
    return Stream.of(MediaType.values()).map(MediaType::contentType).collect(Collectors.joining(", "));
  }

  private static boolean matches(AcceptClauses.Clause clause, MediaType media) {
    return clause.type().equals(media.type) && (clause.subtype().equals(media.subtype) || clause.subtype().equals("*"))
        || clause.type().equals("*") && clause.subtype().equals("*");
  }

  /**
   * {@code acceptMediaTypeOptions}: the output this clause asks of {@code media}, or null when the
   * endpoint refuses its parameters. Only resource endpoints convert; errors never are.
   */
  private static Output output(AcceptClauses.Clause clause, MediaType media, boolean convert) {
    Map<String, String> params = clause.params();
    String as = params.get("as");
    String group = params.get("g");
    String version = params.get("v");
    String stream = params.getOrDefault("stream", "");
    String serverVersion = params.getOrDefault("sv", "");
    if (!stream.isEmpty() && (!media.streams || !stream.equals(WATCH))) {
      return null;
    }
    if (!serverVersion.isEmpty() && (!convert || !serverVersion.equals(META_VERSION))) {
      return null;
    }
    if (as == null && group == null && version == null) {
      return new Output(media, Conversion.NONE, null);
    }
    if (!convert || !META_GROUP.equals(group) || !CONVERSION_VERSIONS.contains(version)) {
      return null;
    }
    for (Conversion conversion : Conversion.values()) {
      // A Table is rendered as JSON or YAML only (RequestScope.AllowsMediaTypeTransform).
      if (conversion.kind != null && conversion.kind.equals(as)
          && (conversion != Conversion.TABLE || media != MediaType.PROTOBUF)) {
        return new Output(media, conversion, version);
      }
    }
    return null;
  }

  /** The header as Go's HTTP server hands it over: without leading and trailing spaces and tabs. */
  private static String headerValue(String accept) {
    return accept == null ? "" : accept.replaceAll("^[ \t]+|[ \t]+$", "");
  }
}
