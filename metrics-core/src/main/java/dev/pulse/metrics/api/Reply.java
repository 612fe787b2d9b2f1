package dev.pulse.metrics.api;

import java.util.List;

/**
 * A whole HTTP answer decided without I/O, for the endpoints whose headers are part of the contract
 * (ETags, caching, Vary): the server only writes it out.
 *
 * @param headers in order; a name may repeat, as Go's {@code Header.Add("Vary", ...)} repeats it
 */
public record Reply(int status, List<Header> headers, byte[] body) {

  /** The Cache-Control the API server's filter chain gives every answer that sets none of its own. */
  public static final String NO_CACHE = "no-cache, private";

  public record Header(String name, String value) {}

  /** The first value of a header, or null. */
  public String header(String name) {
    return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
  }
}
