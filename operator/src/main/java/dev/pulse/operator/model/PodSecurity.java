package dev.pulse.operator.model;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.Map;

/**
 * The restricted Pod Security Standard, as every pod Pulse defines meets it: the aggregator's
 * and the operator's own; and the level the aggregator's namespace enforces.
 */
public final class PodSecurity {

  public static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
  public static final String AUDIT_LABEL = "pod-security.kubernetes.io/audit";
  public static final String WARN_LABEL = "pod-security.kubernetes.io/warn";
  public static final String RESTRICTED = "restricted";
  public static final String PRIVILEGED = "privileged";

  /** distroless' "nonroot": a numeric user lets the kubelet check runAsNonRoot before starting. */
  public static final long USER = 65532L;

  private PodSecurity() {}

  /**
   * The least relaxed level that admits the aggregator's pods. Host networking is one of the host
   * namespaces that baseline forbids as well as restricted, so it needs privileged; the pods meet
   * restricted in everything else.
   */
  public static String level(boolean hostNetwork) {
    return hostNetwork ? PRIVILEGED : RESTRICTED;
  }

  /**
   * The namespace's labels for {@link #level}. Audit stays restricted whatever is enforced, so the
   * audit log keeps recording what was relaxed; warn follows enforce, or every Deployment update
   * would return a warning about the one thing the user asked for.
   */
  public static Map<String, String> namespaceLabels(boolean hostNetwork) {
    return Map.of(ENFORCE_LABEL, level(hostNetwork), WARN_LABEL, level(hostNetwork), AUDIT_LABEL, RESTRICTED);
  }

  /** Non-root as {@link #USER}, RuntimeDefault seccomp; files of mounted volumes owned by its group. */
  public static PodSecurityContext pod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(USER)
        .withRunAsGroup(USER)
        .withFsGroup(USER)
        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
        .build();
  }

  /** Read-only root filesystem, no capabilities, no privilege escalation. */
  public static SecurityContext container() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
        .build();
  }
}
