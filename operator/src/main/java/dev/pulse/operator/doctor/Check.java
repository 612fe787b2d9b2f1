package dev.pulse.operator.doctor;

/**
 * One line of the doctor's report.
 *
 * @param id stable, for scripts reading {@code -o json}
 * @param title what was checked, in words
 * @param summary what was found
 * @param fix what to do about it; empty when nothing
 */
public record Check(String id, String title, Result result, String summary, String fix) {

  public enum Result {
    /** As {@code kubectl top} needs it. */
    PASS,
    /** Not applicable to this cluster (e.g. Pulse is not installed). */
    INFO,
    /** {@code kubectl top} works, but something needs attention. */
    WARN,
    /** Why {@code kubectl top} fails, or fails for some nodes. */
    FAIL,
    /** Could not run: the caller may not read what it needs. */
    SKIPPED
  }

  static Check of(String id, String title, Result result, String summary) {
    return new Check(id, title, result, summary, "");
  }
}
