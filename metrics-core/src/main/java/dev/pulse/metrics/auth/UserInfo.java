package dev.pulse.metrics.auth;

import java.util.List;
import java.util.Map;

/** Who made a request, as Kubernetes' {@code user.Info} describes it. */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

  public static final UserInfo ANONYMOUS =
      new UserInfo("system:anonymous", "", List.of("system:unauthenticated"), Map.of());

  /** Authenticated users are in {@code system:authenticated}, as the API server adds it. */
  UserInfo authenticated() {
    if (groups.contains("system:authenticated")) {
      return this;
    }
    var all = new java.util.ArrayList<>(groups);
    all.add("system:authenticated");
    return new UserInfo(name, uid, List.copyOf(all), extra);
  }
}
