package dev.pulse.operator.doctor;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code kubectl pulse doctor}: explains why {@code kubectl top} works or not on the current
 * kubeconfig's cluster, with Pulse, with metrics-server or with neither. Exit code 0 when
 * {@code kubectl top} should work, 1 when not, 2 for a usage error. kubectl passes a plugin its
 * arguments untouched, so the kubeconfig flags a user types are parsed here.
 */
public final class DoctorMain {

  static final String USAGE = """
      usage: kubectl pulse doctor [-o text|json] [--kubeconfig FILE] [--context NAME] [--as USER] [--as-group GROUP]

      Checks what kubectl top needs on the current kubeconfig's cluster (KUBECONFIG, or --kubeconfig and
      --context): kube-apiserver, the APIService v1beta1.metrics.k8s.io (who serves it, Available), the
      aggregation layer's request-header CA, the MetricsPipeline's status when Pulse is installed, the nodes,
      and a live GET of node metrics. Prints each check, its result and the fix. Checks the caller may not
      read are reported as SKIPPED. Exit code 0 when kubectl top should work, 1 otherwise.
      """;

  /** The parsed command line; empty fields take the kubeconfig's defaults. */
  record Options(boolean json, Optional<String> kubeconfig, Optional<String> context, Optional<String> as,
      List<String> asGroups) {}

  private DoctorMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("kubectl pulse: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options == null) {
      out.print(USAGE);
      return 0;
    }
    Config config = config(options);
    // fabric8 falls back to the current context for a name it does not know; kubectl refuses.
    if (options.context().isPresent() && (config.getCurrentContext() == null
        || !options.context().get().equals(config.getCurrentContext().getName()))) {
      err.println("kubectl pulse: context " + options.context().get() + " is not in the kubeconfig");
      return 2;
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      Findings findings = new ClusterReader(client).read();
      List<Check> checks = Diagnosis.checks(findings);
      out.print(options.json() ? Report.json(findings.server(), checks) : Report.text(findings.server(), checks));
      return Diagnosis.topShouldWork(checks) ? 0 : 1;
    }
  }

  /** @return null when help was asked for */
  static Options parse(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    if (rest.isEmpty() || rest.contains("-h") || rest.contains("--help") || rest.get(0).equals("help")) {
      return null;
    }
    if (!rest.remove(0).equals("doctor")) {
      throw new IllegalArgumentException("unknown command " + args[0] + " (the one command is doctor)");
    }
    boolean json = false;
    Optional<String> kubeconfig = Optional.empty();
    Optional<String> context = Optional.empty();
    Optional<String> as = Optional.empty();
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < rest.size(); i++) {
      String arg = rest.get(i);
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String value;
      if (arg.startsWith("-o") && arg.length() > 2 && !arg.contains("=")) {
        flag = "-o";
        value = arg.substring(2);
      } else if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < rest.size()) {
        value = rest.get(++i);
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      switch (flag) {
        case "-o", "--output" -> {
          if (!value.equals("json") && !value.equals("text")) {
            throw new IllegalArgumentException("-o " + value + ": text or json");
          }
          json = value.equals("json");
        }
        case "--kubeconfig" -> kubeconfig = Optional.of(value);
        case "--context" -> context = Optional.of(value);
        case "--as" -> as = Optional.of(value);
        case "--as-group" -> groups.add(value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    return new Options(json, kubeconfig, context, as, List.copyOf(groups));
  }

  private static Config config(Options options) {
    options.kubeconfig().ifPresent(file -> System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, file));
    Config config = Config.autoConfigure(options.context().orElse(null));
    options.as().ifPresent(config::setImpersonateUsername);
    if (!options.asGroups().isEmpty()) {
      config.setImpersonateGroups(options.asGroups().toArray(String[]::new));
    }
    return config;
  }
}
