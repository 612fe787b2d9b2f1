package dev.pulse.operator.doctor;

import java.util.function.Function;

/** The outcome of one GET: what the doctor learnt, or why it could not. */
sealed interface Reading<T> {

  record Found<T>(T value) implements Reading<T> {}

  /** 404. */
  record Absent<T>() implements Reading<T> {}

  /** 401 or 403: the caller may not read it; {@code message} is kube-apiserver's. */
  record Forbidden<T>(String message) implements Reading<T> {}

  /** Any other answer, or none. */
  record Failed<T>(String message) implements Reading<T> {}

  @SuppressWarnings("unchecked")
  default <U> Reading<U> map(Function<T, U> function) {
    return this instanceof Found<T> found ? new Found<>(function.apply(found.value())) : (Reading<U>) this;
  }
}
