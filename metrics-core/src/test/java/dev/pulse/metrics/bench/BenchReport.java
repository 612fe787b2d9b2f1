package dev.pulse.metrics.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Renders {@code .pulse/bench/report.json} (written by {@code e2e/bin/bench-compare.sh}): the
 * terminal table with a Pulse / metrics-server column, and a PNG of CPU per scrape cycle and
 * resident memory against node count for both systems (java.awt, headless).
 *
 * <pre>
 * table REPORT_JSON
 * chart REPORT_JSON OUT_PNG
 * </pre>
 */
public final class BenchReport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Color PULSE = new Color(0x1f, 0x77, 0xb4);
  private static final Color METRICS_SERVER = new Color(0xd6, 0x27, 0x28);

  /** Table rows: JSON key, label, number format. */
  private static final String[][] ROWS = {
      {"cpu_seconds_per_cycle", "CPU seconds per scrape cycle", "%.3f"},
      {"cpu_ms_per_node", "CPU ms per node per cycle", "%.3f"},
      {"rss_mib", "resident memory (MiB)", "%.1f"},
      {"list_nodes_p50_ms", "GET .../nodes p50 (ms)", "%.1f"},
      {"list_nodes_p99_ms", "GET .../nodes p99 (ms)", "%.1f"},
      {"list_pods_p50_ms", "GET .../pods p50 (ms)", "%.1f"},
      {"list_pods_p99_ms", "GET .../pods p99 (ms)", "%.1f"},
      {"cycle_seconds", "scrape cycle wall time (s)", "%.2f"},
      {"first_top_seconds", "start to first full node list (s)", "%.1f"},
      {"nodes_served", "nodes served", "%.0f"},
      {"pods_served", "pods served", "%.0f"},
      {"operator_rss_mib", "operator resident memory (MiB)", "%.1f"},
  };

  private BenchReport() {}

  public static void main(String[] args) throws Exception {
    JsonNode report = JSON.readTree(Files.readString(Path.of(args[1])));
    switch (args[0]) {
      case "table" -> System.out.print(table(report));
      case "chart" -> chart(report, Path.of(args[2]));
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static String table(JsonNode report) {
    StringBuilder out = new StringBuilder();
    for (JsonNode size : report) {
      out.append(String.format(Locale.ROOT, "%n%d nodes x %s pods per node (%s), %s s window at 15 s resolution, "
              + "%d clients x %d requests per list, Pulse JVM %s%n",
          size.path("nodes").asInt(), size.path("pods_per_node").asText(), size.path("fleet").asText(),
          size.path("window_seconds").asText(), size.path("load_clients").asInt(), size.path("load_requests").asInt(),
          size.path("pulse_java_opts").asText("?")));
      out.append(String.format(Locale.ROOT, "%-36s %12s %16s %12s%n", "", "Pulse", "metrics-server", "Pulse/ms"));
      for (String[] row : ROWS) {
        JsonNode a = size.path("pulse").path(row[0]);
        JsonNode b = size.path("metrics_server").path(row[0]);
        JsonNode ratio = size.path("ratio").path(row[0]);
        out.append(String.format(Locale.ROOT, "%-36s %12s %16s %12s%n", row[1], number(a, row[2]), number(b, row[2]),
            number(ratio, "%.2f")));
      }
    }
    return out.toString();
  }

  private static String number(JsonNode value, String format) {
    return value.isNumber() ? String.format(Locale.ROOT, format, value.asDouble()) : "-";
  }

  /** Two panels side by side: CPU seconds per scrape cycle, and resident memory, against node count. */
  static void chart(JsonNode report, Path out) throws Exception {
    System.setProperty("java.awt.headless", "true");
    List<JsonNode> sizes = new ArrayList<>();
    report.forEach(sizes::add);
    sizes.sort((x, y) -> Integer.compare(x.path("nodes").asInt(), y.path("nodes").asInt()));
    int width = 1400;
    int height = 600;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    String title = "Pulse vs metrics-server v0.8.0: same cluster, same simulated kubelets, 15 s resolution";
    g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    String subtitle = "3 nodes: make up's kwok nodes, idle; larger sizes: simulated kubelets with 30 pods per node, "
        + "every pod registered and Running. Both axes logarithmic. Data: report.json beside this file";
    g.drawString(subtitle, (width - g.getFontMetrics().stringWidth(subtitle)) / 2, 52);
    panel(g, 0, 62, width / 2, height - 62, sizes, "aggregator CPU per scrape cycle", "CPU seconds per cycle",
        s -> s.path("cpu_seconds_per_cycle").asDouble(Double.NaN), "%.3f");
    panel(g, width / 2, 62, width / 2, height - 62, sizes, "aggregator resident memory (VmRSS)", "MiB",
        s -> s.path("rss_mib").asDouble(Double.NaN), "%.0f");
    g.dispose();
    Files.createDirectories(out.toAbsolutePath().getParent());
    ImageIO.write(image, "png", new File(out.toString()));
    System.out.println("chart: " + out);
  }

  private static void panel(Graphics2D g, int x0, int y0, int w, int h, List<JsonNode> sizes, String title,
      String yLabel, ToDoubleFunction<JsonNode> metric, String valueFormat) {
    int left = x0 + 95;
    int right = x0 + w - 30;
    int top = y0 + 45;
    int bottom = y0 + h - 70;
    double[] xs = sizes.stream().mapToDouble(s -> s.path("nodes").asDouble()).toArray();
    double[][] ys = new double[2][sizes.size()];
    for (int i = 0; i < sizes.size(); i++) {
      ys[0][i] = metric.applyAsDouble(sizes.get(i).path("pulse"));
      ys[1][i] = metric.applyAsDouble(sizes.get(i).path("metrics_server"));
    }
    double yMin = Double.MAX_VALUE;
    double yMax = 0;
    for (double[] series : ys) {
      for (double v : series) {
        if (!Double.isNaN(v) && v > 0) {
          yMin = Math.min(yMin, v);
          yMax = Math.max(yMax, v);
        }
      }
    }
    if (yMax <= 0) {
      yMin = 0.1;
      yMax = 1;
    }
    // Both axes are logarithmic: sizes span 3 to 5,000 nodes and costs two orders of magnitude,
    // and the small sizes (where most clusters are) must stay readable.
    double yLoLog = Math.floor(Math.log10(yMin));
    double yHiLog = Math.ceil(Math.log10(yMax * 1.05));
    if (yHiLog - yLoLog < 1) {
      yHiLog = yLoLog + 1;
    }
    double xMinLog = Math.floor(Math.log10(Math.max(1, min(xs))));
    double xMaxLog = Math.ceil(Math.log10(Math.max(10, max(xs))));
    if (xMaxLog - xMinLog < 1) {
      xMaxLog = xMinLog + 1;
    }
    final double lo = xMinLog;
    final double hi = xMaxLog;
    final double ylo = yLoLog;
    final double yhi = yHiLog;
    java.util.function.DoubleUnaryOperator px = v -> left + (Math.log10(v) - lo) / (hi - lo) * (right - left);
    java.util.function.DoubleUnaryOperator py = v -> bottom - (Math.log10(v) - ylo) / (yhi - ylo) * (bottom - top);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
    g.setColor(Color.BLACK);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(title, x0 + (w - fm.stringWidth(title)) / 2, y0 + 25);

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    fm = g.getFontMetrics();
    // Grid and y ticks: 1, 2 and 5 of every decade.
    for (double d = ylo; d < yhi + 1e-9; d++) {
      for (int m : new int[] {1, 2, 5}) {
        double v = m * Math.pow(10, d);
        if (Math.log10(v) > yhi + 1e-9) {
          break;
        }
        int y = (int) py.applyAsDouble(v);
        g.setColor(m == 1 ? new Color(0xd0, 0xd0, 0xd0) : new Color(0xee, 0xee, 0xee));
        g.drawLine(left, y, right, y);
        g.setColor(Color.BLACK);
        String label = trim(String.format(Locale.ROOT, "%.3f", v));
        label = v >= 1000 ? String.format(Locale.ROOT, "%,d", (long) v) : label;
        g.drawString(label, left - 8 - fm.stringWidth(label), y + 5);
      }
    }
    // x ticks: decades, labelled 1, 10, 100, 1,000 ...
    for (double d = lo; d <= hi + 1e-9; d++) {
      double v = Math.pow(10, d);
      int x = (int) px.applyAsDouble(v);
      g.setColor(new Color(0xe6, 0xe6, 0xe6));
      g.drawLine(x, top, x, bottom);
      g.setColor(Color.BLACK);
      g.drawLine(x, bottom, x, bottom + 5);
      String label = String.format(Locale.ROOT, "%,d", (long) v);
      g.drawString(label, x - fm.stringWidth(label) / 2, bottom + 20);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    String xLabel = "nodes (log scale)";
    g.drawString(xLabel, left + (right - left - fm.stringWidth(xLabel)) / 2, bottom + 42);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString(yLabel, -(top + (bottom - top) / 2 + fm.stringWidth(yLabel) / 2), x0 + 22);
    rotated.dispose();

    String[] names = {"Pulse", "metrics-server v0.8.0"};
    Color[] colors = {PULSE, METRICS_SERVER};
    for (int s = 0; s < 2; s++) {
      g.setColor(colors[s]);
      g.setStroke(new BasicStroke(2.5f));
      int prevX = -1;
      int prevY = -1;
      for (int i = 0; i < xs.length; i++) {
        if (Double.isNaN(ys[s][i])) {
          continue;
        }
        int x = (int) px.applyAsDouble(xs[i]);
        int y = (int) py.applyAsDouble(ys[s][i]);
        if (prevX >= 0) {
          g.drawLine(prevX, prevY, x, y);
        }
        g.fillOval(x - 5, y - 5, 10, 10);
        String value = String.format(Locale.ROOT, valueFormat, ys[s][i]);
        // Labels of the higher series above its point, of the lower one below, so they never overlap.
        boolean above = ys[s][i] >= ys[1 - s][i] || Double.isNaN(ys[1 - s][i]);
        int lx = Math.min(right - fm.stringWidth(value) - 2, Math.max(left + 2, x - fm.stringWidth(value) / 2));
        g.drawString(value, lx, Math.max(top + 14, Math.min(bottom - 4, above ? y - 10 : y + 22)));
        prevX = x;
        prevY = y;
      }
    }
    // Legend, top left inside the plot.
    g.setStroke(new BasicStroke(1f));
    int lx = left + 12;
    int ly = top + 12;
    g.setColor(Color.WHITE);
    g.fillRect(lx - 6, ly - 6, 200, 52);
    g.setColor(Color.GRAY);
    g.drawRect(lx - 6, ly - 6, 200, 52);
    for (int s = 0; s < 2; s++) {
      g.setColor(colors[s]);
      g.setStroke(new BasicStroke(2.5f));
      g.drawLine(lx, ly + 8 + s * 22, lx + 28, ly + 8 + s * 22);
      g.fillOval(lx + 9, ly + 3 + s * 22, 10, 10);
      g.setColor(Color.BLACK);
      g.drawString(names[s], lx + 38, ly + 13 + s * 22);
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static String trim(String number) {
    return number.contains(".") ? number.replaceAll("0+$", "").replaceAll("\\.$", "") : number;
  }

  private static double min(double[] values) {
    double m = Double.MAX_VALUE;
    for (double v : values) {
      m = Math.min(m, v);
    }
    return m;
  }

  private static double max(double[] values) {
    double m = 0;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
