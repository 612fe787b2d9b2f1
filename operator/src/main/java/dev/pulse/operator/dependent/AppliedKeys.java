package dev.pulse.operator.dependent;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The keys of annotations taken from the spec, recorded as an annotation of the object they were
 * applied to. JOSDK's matcher ignores keys the live object has and the desired one lacks (others
 * add their own), and its updater merges metadata: without a record, a key removed from the spec
 * would stay forever. With it, a changed set of keys is a mismatch, and what was recorded but is
 * no longer wanted is removed.
 */
final class AppliedKeys {

  private AppliedKeys() {}

  /** Adds the record of {@code fromSpec}'s keys to {@code annotations}; no record for no keys. */
  static void record(Map<String, String> annotations, String recordKey, Map<String, String> fromSpec) {
    if (fromSpec != null && !fromSpec.isEmpty()) {
      annotations.put(recordKey, String.join(",", new TreeSet<>(fromSpec.keySet())));
    }
  }

  /** The keys recorded in {@code annotations} (which may be null). */
  static Set<String> recorded(Map<String, String> annotations, String recordKey) {
    String record = annotations == null ? null : annotations.get(recordKey);
    return record == null || record.isEmpty() ? Set.of()
        : Arrays.stream(record.split(",")).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Whether the live object records the keys the desired one does. */
  static boolean same(Map<String, String> actualAnnotations, Map<String, String> desiredAnnotations,
      String recordKey) {
    return Objects.equals(recorded(actualAnnotations, recordKey), recorded(desiredAnnotations, recordKey));
  }

  /**
   * {@code live} without the recorded keys that {@code desired} no longer has, nor the record
   * itself when {@code desired} has none; what others added stays.
   */
  static Map<String, String> withoutStale(Map<String, String> live, Map<String, String> desired, String recordKey) {
    Map<String, String> kept = new TreeMap<>(live == null ? Map.of() : live);
    Map<String, String> wanted = desired == null ? Map.of() : desired;
    recorded(live, recordKey).stream().filter(key -> !wanted.containsKey(key)).forEach(kept::remove);
    if (!wanted.containsKey(recordKey)) {
      kept.remove(recordKey);
    }
    return kept;
  }
}
