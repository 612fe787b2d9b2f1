package dev.pulse.metrics.server;

import dev.pulse.metrics.api.ApiRequest;
import dev.pulse.metrics.api.Output;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One encoding per second of each unfiltered list (every node, every pod of the cluster), shared by
 * all the requests for it in that second: concurrent clients of a list of 30,000 pods otherwise
 * each build the same 8 MiB. Each body says "now" to the second (every item's
 * creationTimestamp), so within a second the shared body is exactly what each request would have
 * been served, give or take scrapes that finished during that second. The keys are the resource
 * and the representation only, a fixed handful: nothing a client sends can grow this map.
 */
final class SharedLists {

  /** What a request must be to share: a list of the whole cluster, no namespace, no selector. */
  static boolean shareable(ApiRequest request) {
    return request != null && !request.isDiscovery() && request.verb().equals("list") && request.namespace() == null
        && request.query().isEmpty();
  }

  private record Entry(long second, Future<EncodedResponse> response) {}

  /** An encoded answer. */
  record EncodedResponse(int status, String contentType, byte[] body) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * The response encoded this second for the same resource and representation, or the one
   * {@code encode} starts now; a failed encoding is not kept.
   */
  Future<EncodedResponse> get(ApiRequest request, Output output, long epochSecond,
      Supplier<Future<EncodedResponse>> encode) {
    String key = request.resource().path + "/" + output;
    Entry entry = entries.compute(key, (k, current) ->
        current != null && current.second() == epochSecond && !current.response().failed() ? current
            : new Entry(epochSecond, encode.get()));
    return entry.response();
  }

  /** Lets go of the bodies of seconds before {@code epochSecond}: a list of every pod is megabytes. */
  void forgetBefore(long epochSecond) {
    entries.values().removeIf(entry -> entry.second() < epochSecond);
  }
}
