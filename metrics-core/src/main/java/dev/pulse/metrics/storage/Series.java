package dev.pulse.metrics.storage;

/**
 * The last two points of one counter and the rules that move them when a sample arrives.
 * Immutable: a scrape builds new series, readers never see a half-updated pair.
 */
record Series(Point last, Point prev) {

  /**
   * Containers younger than this get no usage from their start time: the first counter values
   * of a new cgroup are too coarse to average over a shorter window (metrics-server's guard too).
   */
  static final long MIN_FRESH_WINDOW_MILLIS = 10_000;

  static Series first(Point p) {
    return new Series(p, null);
  }

  /** A node's (or a continuing container's) series after sample {@code p}. */
  Series advance(Point p) {
    if (p.timestampMillis() == last.timestampMillis()) {
      // The kubelet served the sample we already hold (scraped faster than it refreshes).
      return this;
    }
    if (p.timestampMillis() < last.timestampMillis() || p.cpuNanos() < last.cpuNanos()) {
      // Clock stepped back or counter reset: the old points say nothing about the new ones.
      return first(p);
    }
    return new Series(p, last);
  }

  /**
   * A container's series after sample {@code p}. A container that (re)started after our last
   * look at its node has lived entirely unseen, so its counter's origin (zero at its start time)
   * is a valid previous point and its usage is known after one scrape, not two.
   *
   * @param old the container's series so far, or null if it was not reported before
   * @param unseenSinceMillis kubelet time of the node's previous report, or -1 if there was
   *     none; then only containers younger than {@code resolutionMillis} count as unseen
   */
  static Series forContainer(Series old, Point p, long unseenSinceMillis, long resolutionMillis) {
    long start = p.startTimeMillis();
    boolean restarted = old != null && start > old.last.timestampMillis();
    if (old != null && !restarted) {
      return old.advance(p);
    }
    long age = p.timestampMillis() - start;
    boolean livedUnseen = start > 0
        && (unseenSinceMillis >= 0 ? start > unseenSinceMillis : age < resolutionMillis);
    if (livedUnseen && age >= MIN_FRESH_WINDOW_MILLIS) {
      return new Series(p, Point.containerStart(start));
    }
    return first(p);
  }

  /** Whether {@code p}, a later sample, has a lower CPU counter than the last one: a reset, not usage. */
  boolean resetBy(Point p) {
    return p.timestampMillis() > last.timestampMillis() && p.cpuNanos() < last.cpuNanos();
  }

  /** The usage these points measure, or null while there is only one point. */
  Usage usage() {
    return prev == null ? null : Rates.between(prev, last);
  }
}
