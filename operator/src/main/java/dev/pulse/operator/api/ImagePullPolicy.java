package dev.pulse.operator.api;

/** The container's {@code imagePullPolicy}. */
public enum ImagePullPolicy {
  Always,
  IfNotPresent,
  Never
}
