package dev.pulse.metrics.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.metrics.api.AcceptClauses;
import dev.pulse.metrics.api.ETags;
import dev.pulse.metrics.api.Reply;
import dev.pulse.metrics.api.types.MetricsGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /openapi/v2}, {@code /openapi/v3} and its group-version documents, answered as kube-openapi's
 * handlers answer them (pkg/handler, pkg/handler3): SHA-512 ETags, conditional requests, and the v3
 * index whose {@code ?hash=} URLs let clients cache a document for good.
 *
 * <p>The documents are metrics-server v0.8.0's, byte for byte except {@code info} (see
 * {@code openapi/README.md} next to them): they describe the same API, and kube-openapi builds them
 * from Go types Pulse does not have. Only JSON is produced; the protobuf forms are refused with 406,
 * which clients that list JSON as well get past. {@code /openapi/v2} is gzipped for clients that take
 * gzip, as behind kube-openapi's gzip handler: Go's HTTP client asks for it unprompted, so
 * kube-apiserver's OpenAPI aggregation downloads 48 KB as about 11.
 */
public final class OpenApi {

  public static final String V2 = "/openapi/v2";
  public static final String V3 = "/openapi/v3";
  /** kube-openapi's names for the v3 documents: the path each one describes, without its leading '/'. */
  public static final List<String> V3_DOCUMENTS = List.of("apis", "apis/" + MetricsGroup.GROUP,
      MetricsGroup.PATH.substring(1), "version");

  private static final String METRICS_SERVER_INFO = "\"info\":{\"title\":\"Kubernetes metrics-server\",\"version\":\"v0.8.0\"}";
  /** Go's {@code http.TimeFormat}. */
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
      Locale.US).withZone(ZoneOffset.UTC);
  /** Go's {@code time.RFC1123} in a process whose local zone is UTC, as kube-openapi formats Expires. */
  private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'",
      Locale.US).withZone(ZoneOffset.UTC);

  /** A served document, its unquoted ETag, and its gzipped bytes (null where kube-openapi never gzips). */
  record Document(byte[] json, String etag, byte[] gzip) {
    static Document of(byte[] json) {
      return new Document(json, ETags.sha512(json), null);
    }

    Document gzipped() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4);
      try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
        gzip.write(json);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Document(json, etag, out.toByteArray());
    }
  }

  private final Document v2;
  private final Map<String, Document> v3;
  private final Document v3Index;
  private final Instant lastModified;

  private OpenApi(Document v2, Map<String, Document> v3, Instant lastModified) {
    this.v2 = v2;
    this.v3 = v3;
    this.lastModified = lastModified.truncatedTo(ChronoUnit.SECONDS);
    // Go marshals the index's map with its keys sorted.
    Map<String, Object> paths = new TreeMap<>();
    v3.forEach((name, doc) -> paths.put(name, Map.of("serverRelativeURL", hashUrl(name, doc.etag()))));
    try {
      this.v3Index = Document.of(new ObjectMapper().writeValueAsBytes(Map.of("paths", paths)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the index is a map of strings", e);
    }
  }

  /**
   * @param version Pulse's version, written into each document's {@code info}
   * @param lastModified when the documents were built (the process start, as for kube-openapi)
   */
  public static OpenApi load(String version, Instant lastModified) {
    String info = "\"info\":{\"title\":\"Pulse metrics-core\",\"version\":\"v" + version.split("-")[0] + "\"}";
    Map<String, Document> v3 = new LinkedHashMap<>();
    for (String name : V3_DOCUMENTS) {
      v3.put(name, Document.of(resource("v3/" + name + ".json", info)));
    }
    return new OpenApi(Document.of(resource("v2.json", info)).gzipped(), v3, lastModified);
  }

  private static byte[] resource(String name, String info) {
    try (InputStream in = OpenApi.class.getResourceAsStream("/dev/pulse/metrics/openapi/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource openapi/" + name);
      }
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!json.contains(METRICS_SERVER_INFO)) {
        throw new IllegalStateException("openapi/" + name + " does not carry metrics-server's info");
      }
      return json.replace(METRICS_SERVER_INFO, info).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the path is one of kube-openapi's: the two roots, and anything under {@code /openapi/v3/}. */
  public static boolean serves(String path) {
    return path.equals(V2) || path.equals(V3) || path.startsWith(V3 + "/");
  }

  /** The request's conditional and negotiation headers, as sent (null when absent). */
  public record Request(String method, String path, String hash, String accept, String acceptEncoding,
      String ifNoneMatch, String ifModifiedSince) {}

  /** The answer to a request for which {@link #serves} is true. */
  public Reply answer(Request request, Instant now) {
    if (request.path().equals(V2)) {
      return negotiated(request, now, v2, false);
    }
    if (request.path().equals(V3)) {
      List<Reply.Header> headers = new ArrayList<>(List.of(new Reply.Header("ETag", quote(v3Index.etag())),
          new Reply.Header("Content-Type", "application/json"), new Reply.Header("Cache-Control", Reply.NO_CACHE)));
      return serveContent(request, v3Index, headers);
    }
    return negotiated(request, now, v3.get(request.path().substring(V3.length() + 1)), true);
  }

  /**
   * A document whose representation the Accept header picks. A v3 request for a document that does
   * not exist gets kube-openapi's empty 200 without headers of its own: its handler returns without
   * writing, and the API server then drops the headers it had set.
   */
  private Reply negotiated(Request request, Instant now, Document document, boolean v3Group) {
    List<AcceptClauses.Clause> clauses = AcceptClauses.parse(request.accept());
    // The gzip handler wrapping kube-openapi's v2 handler adds this to every answer, gzipped or not.
    List<Reply.Header> varyEncoding = v3Group ? List.of() : List.of(new Reply.Header("Vary", "Accept-Encoding"));
    if (v3Group && clauses.isEmpty()) {
      return empty(200, List.of(new Reply.Header("Cache-Control", Reply.NO_CACHE)));
    }
    for (AcceptClauses.Clause clause : clauses) {
      if (!clause.admits("application", "json")) {
        continue;
      }
      if (document == null) {
        return empty(200, List.of(new Reply.Header("Cache-Control", Reply.NO_CACHE)));
      }
      List<Reply.Header> headers = new ArrayList<>(varyEncoding);
      headers.addAll(List.of(new Reply.Header("Vary", "Accept"),
          new Reply.Header("Content-Type", "application/json"), new Reply.Header("ETag", quote(document.etag()))));
      String hash = request.hash();
      if (v3Group && hash != null && !hash.isEmpty()) {
        if (!hash.equals(document.etag())) {
          String name = request.path().substring(V3.length() + 1);
          headers.add(new Reply.Header("Location", hashUrl(name, document.etag())));
          headers.add(new Reply.Header("Cache-Control", Reply.NO_CACHE));
          return empty(301, headers);
        }
        // The URL names these exact bytes: any cache may keep them for as long as HTTP allows.
        headers.add(new Reply.Header("Cache-Control", "public, immutable"));
        headers.add(new Reply.Header("Expires", EXPIRES.format(now.atZone(ZoneOffset.UTC).plusYears(1))));
      } else {
        headers.add(new Reply.Header("Cache-Control", Reply.NO_CACHE));
      }
      return serveContent(request, document, headers);
    }
    List<Reply.Header> headers = new ArrayList<>(varyEncoding);
    headers.addAll(List.of(new Reply.Header("Vary", "Accept"), new Reply.Header("Cache-Control", Reply.NO_CACHE)));
    return empty(406, headers);
  }

  /**
   * Go's {@code http.ServeContent} for these documents: Last-Modified, and 304 for a matching
   * If-None-Match (or, without one, an If-Modified-Since not before it). Ranges are not offered.
   */
  private Reply serveContent(Request request, Document document, List<Reply.Header> headers) {
    boolean read = request.method().equals("GET") || request.method().equals("HEAD");
    String ifNoneMatch = request.ifNoneMatch();
    boolean notModified;
    if (ifNoneMatch != null) {
      boolean matches = noneMatchHits(ifNoneMatch, document.etag());
      if (matches && !read) {
        return empty(412, headers);
      }
      notModified = matches;
    } else {
      notModified = read && notModifiedSince(request.ifModifiedSince());
    }
    if (notModified) {
      // Go drops the representation's own headers from a 304, and Last-Modified when an ETag is there.
      headers.removeIf(h -> h.name().equals("Content-Type"));
      return empty(304, headers);
    }
    headers.add(new Reply.Header("Last-Modified", HTTP_DATE.format(lastModified)));
    // A HEAD answer has no body to compress, and so is not marked compressed.
    if (document.gzip() != null && !request.method().equals("HEAD") && acceptsGzip(request.acceptEncoding())) {
      headers.add(new Reply.Header("Content-Encoding", "gzip"));
      return new Reply(200, headers, document.gzip().clone());
    }
    return new Reply(200, headers, document.json().clone());
  }

  /** The gzip handler's test: {@code gzip} listed with a quality above 0. */
  private static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String coding : acceptEncoding.split(",")) {
      String[] parts = coding.split(";");
      if (!parts[0].trim().equalsIgnoreCase("gzip")) {
        continue;
      }
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        if (kv.length == 2 && kv[0].trim().equals("q")) {
          try {
            q = Double.parseDouble(kv[1].trim());
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      return q > 0;
    }
    return false;
  }

  /** HTTP's weak comparison over the header's list of tags, {@code *} matching anything. */
  private static boolean noneMatchHits(String header, String etag) {
    for (String tag : header.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(quote(etag)) || t.equals("W/" + quote(etag))) {
        return true;
      }
    }
    return false;
  }

  private boolean notModifiedSince(String header) {
    if (header == null) {
      return false;
    }
    try {
      return !lastModified.isAfter(ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** kube-openapi's {@code constructServerRelativeURL}. */
  private static String hashUrl(String name, String etag) {
    return V3 + "/" + name + "?hash=" + etag;
  }

  private static String quote(String etag) {
    return "\"" + etag + "\"";
  }

  private static Reply empty(int status, List<Reply.Header> headers) {
    return new Reply(status, List.copyOf(headers), new byte[0]);
  }
}
