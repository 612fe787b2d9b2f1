package dev.pulse.operator.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.operator.doctor.Check.Result;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The doctor's report, as a person reads it and as a script does ({@code -o json}). */
final class Report {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDENT = " ".repeat(10);

  private Report() {}

  static String text(String server, List<Check> checks) {
    int width = checks.stream().mapToInt(c -> c.title().length()).max().orElse(0);
    StringBuilder out = new StringBuilder("kubectl pulse doctor: ").append(server).append("\n\n");
    for (Check check : checks) {
      out.append(String.format("%-8s  %-" + width + "s  %s%n", check.result(), check.title(), check.summary()));
      if (!check.fix().isEmpty()) {
        out.append(INDENT).append("fix: ").append(check.fix()).append('\n');
      }
    }
    out.append('\n');
    if (Diagnosis.topShouldWork(checks)) {
      out.append("kubectl top should work.\n");
    } else if (Diagnosis.topWorksPartly(checks)) {
      out.append("kubectl top works, but shows <unknown> for the nodes that are not scraped and leaves out their"
          + " pods.\n");
    } else {
      List<String> failed = titles(checks, Result.FAIL);
      out.append("kubectl top will not work").append(failed.isEmpty() ? ", or could not be verified."
          : ": " + String.join(", ", failed) + " failed.").append('\n');
    }
    List<String> skipped = titles(checks, Result.SKIPPED);
    if (!skipped.isEmpty()) {
      out.append("Not run for lack of permission: ").append(String.join(", ", skipped)).append(".\n");
    }
    return out.toString();
  }

  static String json(String server, List<Check> checks) {
    ObjectNode root = JSON.createObjectNode();
    root.put("server", server);
    boolean shouldWork = Diagnosis.topShouldWork(checks);
    root.put("kubectlTopShouldWork", shouldWork);
    root.put("kubectlTopWorksPartly", !shouldWork && Diagnosis.topWorksPartly(checks));
    ArrayNode array = root.putArray("checks");
    for (Check check : checks) {
      ObjectNode node = array.addObject();
      node.put("id", check.id());
      node.put("title", check.title());
      node.put("result", check.result().name().toLowerCase(Locale.ROOT));
      node.put("summary", check.summary());
      node.put("fix", check.fix());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report", e);
    }
  }

  private static List<String> titles(List<Check> checks, Result result) {
    return checks.stream().filter(c -> c.result() == result).map(Check::title).collect(Collectors.toList());
  }
}
