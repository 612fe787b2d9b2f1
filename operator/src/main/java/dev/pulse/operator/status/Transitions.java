package dev.pulse.operator.status;

import dev.pulse.operator.api.MetricsPipelineStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What deserves an Event when the status changes: {@code kubectl describe mp} then tells the story
 * (became Ready, lost it and why, needs attention, recovered) without anyone watching the status.
 * Only {@code Ready} and {@code Degraded} speak: the other conditions explain them.
 */
public final class Transitions {

  /** An Event to record: {@code type} is Normal or Warning, as Kubernetes defines them. */
  public record Note(String type, String reason, String message) {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
  }

  private Transitions() {}

  /**
   * The Events for going from {@code before} (null for a new pipeline) to {@code after}: one per
   * change, so a Ready lost for the reason that also degrades the pipeline is one Warning, and
   * becoming Ready again says nothing more about recovering.
   */
  public static List<Note> between(MetricsPipelineStatus before, MetricsPipelineStatus after) {
    Optional<Condition> ready = changed(StatusAggregator.READY, before, after);
    Optional<Condition> degraded = changed(StatusAggregator.DEGRADED, before, after);
    boolean wasDegraded = condition(StatusAggregator.DEGRADED, before)
        .filter(c -> StatusAggregator.TRUE.equals(c.getStatus())).isPresent();
    List<Note> notes = new ArrayList<>();
    Optional<Condition> warning = degraded.filter(c -> StatusAggregator.TRUE.equals(c.getStatus()));
    ready.filter(c -> warning.isEmpty() || !Objects.equals(c.getReason(), warning.get().getReason()))
        .ifPresent(c -> notes.add(new Note(Note.NORMAL, c.getReason(), c.getMessage())));
    warning.ifPresent(c -> notes.add(new Note(Note.WARNING, c.getReason(), c.getMessage())));
    boolean becameReady = ready.filter(c -> StatusAggregator.TRUE.equals(c.getStatus())).isPresent();
    // Only a True Degraded was news: a pipeline that was never degraded does not recover.
    degraded.filter(c -> !StatusAggregator.TRUE.equals(c.getStatus()) && wasDegraded && !becameReady)
        .ifPresent(c -> notes.add(new Note(Note.NORMAL, "Recovered", c.getMessage())));
    return notes;
  }

  /** The condition of {@code type} in {@code after} when its status or reason differs from before. */
  private static Optional<Condition> changed(String type, MetricsPipelineStatus before, MetricsPipelineStatus after) {
    Optional<Condition> previous = condition(type, before);
    return condition(type, after).filter(now -> previous.isEmpty()
        || !Objects.equals(previous.get().getStatus(), now.getStatus())
        || !Objects.equals(previous.get().getReason(), now.getReason()));
  }

  private static Optional<Condition> condition(String type, MetricsPipelineStatus status) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
