package dev.pulse.metrics.scrape;

import java.nio.charset.StandardCharsets;

/**
 * The namespace, pod and container names of one kubelet's reports, decoded to the same String
 * instances from one report to the next. The store keys pods and containers by these names: with
 * the same instances its lookups end at the identity check, and a scrape keeps no fresh copy of a
 * name it holds already (a copy the store would keep for a resolution, long enough for the
 * collector to promote it). Only the names of the last two reports are held, so those of pods gone
 * from the node are let go.
 *
 * <p>Not thread-safe: a node's scrapes never overlap.
 */
final class LabelValues {

  private static final int MIN_CAPACITY = 64;

  /** Open-addressed by {@link String#hashCode()}; at most half full. */
  private String[] current = new String[MIN_CAPACITY];
  private int size;
  private String[] previous = new String[MIN_CAPACITY];

  /** A new report begins: names the last one did not repeat are forgotten after this one. */
  void nextReport() {
    previous = current;
    current = new String[Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size)) * 4)];
    size = 0;
  }

  /** The name in {@code buf[start..end)}: the instance held for it, or a new one that is held from now on. */
  String of(byte[] buf, int start, int end) {
    int hash = 0;
    for (int i = start; i < end; i++) {
      byte b = buf[i];
      if (b < 0) {
        // Beyond ASCII a byte is not a char; Kubernetes names never are.
        return new String(buf, start, end - start, StandardCharsets.UTF_8);
      }
      hash = 31 * hash + b;
    }
    String held = find(current, hash, buf, start, end);
    if (held != null) {
      return held;
    }
    held = find(previous, hash, buf, start, end);
    if (held == null) {
      held = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
    }
    add(held, hash);
    return held;
  }

  private static String find(String[] table, int hash, byte[] buf, int start, int end) {
    int mask = table.length - 1;
    for (int i = hash & mask; table[i] != null; i = (i + 1) & mask) {
      String s = table[i];
      if (s.hashCode() == hash && sameAscii(s, buf, start, end)) {
        return s;
      }
    }
    return null;
  }

  private static boolean sameAscii(String s, byte[] buf, int start, int end) {
    if (s.length() != end - start) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != buf[start + i]) {
        return false;
      }
    }
    return true;
  }

  private void add(String s, int hash) {
    if (2 * (size + 1) > current.length) {
      String[] old = current;
      current = new String[old.length * 2];
      for (String t : old) {
        if (t != null) {
          insert(current, t, t.hashCode());
        }
      }
    }
    insert(current, s, hash);
    size++;
  }

  private static void insert(String[] table, String s, int hash) {
    int mask = table.length - 1;
    int i = hash & mask;
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = s;
  }
}
