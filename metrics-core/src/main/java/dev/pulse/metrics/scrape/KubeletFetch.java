package dev.pulse.metrics.scrape;

import io.vertx.core.Future;

/**
 * How the scrape loop gets a kubelet's answer: {@link KubeletClient} in a cluster, anything that
 * completes a future in tests of the loop's queueing, skipping and failure handling.
 */
@FunctionalInterface
public interface KubeletFetch {

  /** The endpoint's complete body; fails with a {@link ScrapeFailure} naming the cause. */
  Future<KubeletClient.Body> fetch(KubeletEndpoint endpoint);
}
