package dev.pulse.operator.model;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The restricted Pod Security Standard, as every pod Pulse defines meets it: the aggregator's
 * and the operator's own.
 */
public final class PodSecurity {

  /** distroless' "nonroot": a numeric user lets the kubelet check runAsNonRoot before starting. */
  public static final long USER = 65532L;

  private PodSecurity() {}

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
