package dev.pulse.operator.model;

import io.javaoperatorsdk.operator.api.reconciler.Constants;
import java.util.Arrays;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The namespaces the operator may run an aggregator in: where its Role grants it ServiceAccounts,
 * Services, Secrets, Deployments and disruption budgets, and so the only namespaces its informers
 * watch. Unset, it is every namespace, for an operator granted those kinds cluster-wide (OLM's
 * AllNamespaces mode, where the list of target namespaces is empty).
 *
 * @param names the namespaces; empty means every namespace
 */
public record AggregatorNamespaces(SortedSet<String> names) {

  /**
   * The environment variable, a comma-separated list; OLM's {@code olm.targetNamespaces}
   * annotation has this form, so the CSV passes it on unchanged.
   */
  public static final String ENV = "PULSE_AGGREGATOR_NAMESPACES";

  public static final AggregatorNamespaces ALL = new AggregatorNamespaces(new TreeSet<>());

  public AggregatorNamespaces {
    names = new TreeSet<>(names);
  }

  /**
   * @param value the environment variable's value, or null
   * @throws IllegalArgumentException naming {@link #ENV} and the entry that is not a namespace name
   */
  public static AggregatorNamespaces parse(String value) {
    if (value == null || value.isBlank()) {
      return ALL;
    }
    SortedSet<String> names = new TreeSet<>();
    for (String name : value.split(",", -1)) {
      String trimmed = name.strip();
      if (!trimmed.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException(ENV + "=" + value + ": \"" + trimmed + "\" is not a namespace name"
            + " (a comma-separated list of DNS labels, e.g. pulse-system)");
      }
      names.add(trimmed);
    }
    return new AggregatorNamespaces(names);
  }

  public static AggregatorNamespaces of(String... names) {
    return new AggregatorNamespaces(new TreeSet<>(Arrays.asList(names)));
  }

  public boolean all() {
    return names.isEmpty();
  }

  public boolean allows(String namespace) {
    return all() || names.contains(namespace);
  }

  /** What JOSDK's informers take: the names, or its marker for every namespace. */
  public Set<String> informerNamespaces() {
    return all() ? Constants.WATCH_ALL_NAMESPACE_SET : names;
  }

  @Override
  public String toString() {
    return all() ? "every namespace" : String.join(", ", names);
  }
}
