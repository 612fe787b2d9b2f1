package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * spec.monitoring against the Prometheus Operator's real CRDs (ServiceMonitor, PrometheusRule, fetched
 * from the Go module proxy by {@code e2e/bin/fetch-prometheus-crds.sh}): asked for before they are
 * installed, the pipeline says so and stays Ready; installed, both objects appear, accepted by their
 * schemas; the ServiceMonitor's TLS settings and a token as Prometheus would present scrape the real
 * aggregator; the rule's series exist; spec changes update and remove them. The CRDs are removed at
 * the end, so other classes see a cluster without them.
 */
@ExtendWith(LocalCluster.Extension.class)
class PrometheusIntegrationE2E {

  /** The operator looks for CRDs installed since once a minute. */
  private static final Duration CRDS_NOTICED = Duration.ofSeconds(100);
  private static final Duration RECONCILED = Duration.ofSeconds(40);
  private static final List<String> CRD_NAMES = List.of("servicemonitors.monitoring.coreos.com",
      "prometheusrules.monitoring.coreos.com");
  private static final String PROMETHEUS = "prometheus-e2e";
  /** A series selector in PromQL: a metric name and its label matchers. */
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The aggregator pod of the series promtool evaluates the rule on. */
  private static final String POD = "pulse-metrics-7d4b9c-x2x9z";

  private static LocalCluster cluster;
  private static Path crds;

  @BeforeAll
  static void cleanCluster(LocalCluster localCluster) throws IOException, InterruptedException {
    cluster = localCluster;
    LocalCluster.Result fetch = LocalCluster.run(List.of(
        cluster.repo().resolve("e2e/bin/fetch-prometheus-crds.sh").toString()));
    System.out.print(fetch.stderr());
    assertThat(fetch.exitCode()).as("fetch-prometheus-crds.sh: %s", fetch.stderr()).isZero();
    crds = Path.of(fetch.stdout().strip());
    restore();
    Pipelines.awaitReady(cluster);
  }

  @AfterAll
  static void restore() throws IOException, InterruptedException {
    cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", "{\"spec\":{\"monitoring\":null}}")
        .ok();
    removeCrds();
    cluster.kubectl("delete", "clusterrolebinding,clusterrole", PROMETHEUS, "--ignore-not-found").ok();
    cluster.kubectl("delete", "serviceaccount", PROMETHEUS, "-n", Pipelines.NAMESPACE, "--ignore-not-found").ok();
  }

  @Test
  void reportedWithoutTheCrdsCreatedWithThemAndFollowingTheSpec() throws Exception {
    cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", """
        {"spec": {"monitoring": {
          "serviceMonitor": {"enabled": true, "labels": {"release": "kube-prometheus-stack"}},
          "prometheusRule": {"enabled": true, "labels": {"release": "kube-prometheus-stack"}}}}}""").ok();
    await().atMost(RECONCILED).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      JsonNode monitoring = Pipelines.condition(Pipelines.pipeline(cluster), "MonitoringConfigured");
      assertThat(monitoring.path("status").asText()).isEqualTo("False");
      assertThat(monitoring.path("reason").asText()).isEqualTo("CRDsMissing");
      assertThat(monitoring.path("message").asText()).contains("ServiceMonitor and PrometheusRule",
          "monitoring.coreos.com/v1", "install the Prometheus Operator's CRDs");
    });
    Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster));

    // Installed later, as a cluster admin would: no event reaches the operator, its recheck does.
    for (String file : List.of("monitoring.coreos.com_servicemonitors.yaml", "monitoring.coreos.com_prometheusrules.yaml")) {
      cluster.kubectl("create", "-f", crds.resolve(file).toString()).ok();
    }
    cluster.kubectl("wait", "--for=condition=Established", "crd/" + CRD_NAMES.get(0), "crd/" + CRD_NAMES.get(1),
        "--timeout=60s").ok();
    await().atMost(CRDS_NOTICED).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
      JsonNode monitoring = Pipelines.condition(Pipelines.pipeline(cluster), "MonitoringConfigured");
      assertThat(monitoring.path("reason").asText()).isEqualTo("Configured");
      assertThat(monitoring.path("status").asText()).isEqualTo("True");
    });

    JsonNode monitor = cluster.json("get", "servicemonitor", "pulse-metrics", "-n", Pipelines.NAMESPACE, "-o", "json");
    assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    assertThat(monitor.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("MetricsPipeline");
    JsonNode endpoint = monitor.at("/spec/endpoints/0");
    assertThat(endpoint.path("scheme").asText()).isEqualTo("https");
    assertThat(endpoint.at("/tlsConfig/insecureSkipVerify").asBoolean(false)).isFalse();
    JsonNode rule = cluster.json("get", "prometheusrule", "pulse-metrics", "-n", Pipelines.NAMESPACE, "-o", "json");
    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    List<String> alerts = new ArrayList<>();
    rule.at("/spec/groups/0/rules").forEach(r -> alerts.add(r.path("alert").asText()));
    assertThat(alerts).contains("PulseAggregatorDown", "PulseKubeletScrapesFailing", "PulseMetricsStale",
        "PulseMetricsAPIUnavailable");

    String metrics = scrapeAsTheServiceMonitorSays(monitor);
    assertTheRuleNamesRealSeries(rule, metrics);
    assertPromtoolChecksAndFiresTheAlerts(rule);

    // Changed and turned off one at a time, as users do.
    String monitorVersion = monitor.at("/metadata/resourceVersion").asText();
    cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", """
        {"spec": {"monitoring": {"serviceMonitor": {"labels": {"release": "prometheus"}},
          "prometheusRule": {"enabled": false}}}}""").ok();
    await().atMost(RECONCILED).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(cluster.kubectl("get", "prometheusrule", "pulse-metrics", "-n", Pipelines.NAMESPACE,
          "--ignore-not-found", "-o", "name").ok().stdout()).isBlank();
      assertThat(cluster.json("get", "servicemonitor", "pulse-metrics", "-n", Pipelines.NAMESPACE, "-o", "json")
          .at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    });
    JsonNode updated = cluster.json("get", "servicemonitor", "pulse-metrics", "-n", Pipelines.NAMESPACE, "-o", "json");
    assertThat(updated.at("/metadata/resourceVersion").asText()).isNotEqualTo(monitorVersion);
    // Unchanged from here: reconciles leave it alone.
    Thread.sleep(Duration.ofSeconds(15).toMillis());
    assertThat(cluster.json("get", "servicemonitor", "pulse-metrics", "-n", Pipelines.NAMESPACE, "-o", "json")
        .at("/metadata/resourceVersion").asText()).isEqualTo(updated.at("/metadata/resourceVersion").asText());

    cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
        "{\"spec\": {\"monitoring\": {\"serviceMonitor\": {\"enabled\": false}}}}").ok();
    await().atMost(RECONCILED).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(cluster.kubectl("get", "servicemonitor", "pulse-metrics", "-n", Pipelines.NAMESPACE,
          "--ignore-not-found", "-o", "name").ok().stdout()).isBlank();
      assertThat(Pipelines.condition(Pipelines.pipeline(cluster), "MonitoringConfigured").isMissingNode()).isTrue();
    });
    Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster));
  }

  @Test
  void invalidMonitoringSettingsAreRefusedNamingTheField() throws IOException, InterruptedException {
    LocalCluster.Result labels = cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--dry-run=server",
        "--type=merge", "-p", "{\"spec\":{\"monitoring\":{\"serviceMonitor\":{\"labels\":{\"-bad\":\"x\"}}}}}");
    assertThat(labels.exitCode()).isNotZero();
    assertThat(labels.stderr()).contains("monitoring.serviceMonitor.labels: every key must be a label key");
    LocalCluster.Result token = cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--dry-run=server",
        "--type=merge", "-p", "{\"spec\":{\"monitoring\":{\"serviceMonitor\":{\"bearerTokenSecret\":{\"name\":\"t\"}}}}}");
    assertThat(token.exitCode()).isNotZero();
    assertThat(token.stderr()).contains("monitoring.serviceMonitor.bearerTokenSecret needs the name of a Secret");
  }

  /**
   * What Prometheus does with the ServiceMonitor: trusts the CA in the Secret key it names, checks
   * the certificate for its serverName, and presents a token whose identity may get /metrics (as
   * kube-prometheus grants its Prometheus). Without a token the aggregator refuses.
   */
  private static String scrapeAsTheServiceMonitorSays(JsonNode monitor) throws IOException, InterruptedException {
    JsonNode tls = monitor.at("/spec/endpoints/0/tlsConfig");
    String serverName = tls.path("serverName").asText();
    String caPem = new String(Base64.getDecoder().decode(cluster.kubectl("get", "secret",
        tls.at("/ca/secret/name").asText(), "-n", Pipelines.NAMESPACE,
        "-o", "jsonpath={.data." + tls.at("/ca/secret/key").asText().replace(".", "\\.") + "}").ok().stdout()),
        StandardCharsets.UTF_8);
    cluster.kubectl("create", "serviceaccount", PROMETHEUS, "-n", Pipelines.NAMESPACE).ok();
    cluster.kubectl("create", "clusterrole", PROMETHEUS, "--verb=get", "--non-resource-url=/metrics").ok();
    cluster.kubectl("create", "clusterrolebinding", PROMETHEUS, "--clusterrole=" + PROMETHEUS,
        "--serviceaccount=" + Pipelines.NAMESPACE + ":" + PROMETHEUS).ok();
    String token = cluster.kubectl("create", "token", PROMETHEUS, "-n", Pipelines.NAMESPACE).ok().stdout().strip();

    Path ca = Files.createTempFile("pulse-e2e-ca", ".crt");
    Path header = Files.createTempFile("pulse-e2e-auth", ".txt");
    try {
      Files.writeString(ca, caPem);
      // From a file, so that the token is in no process' arguments.
      Files.writeString(header, "Authorization: Bearer " + token + "\n");
      int port = cluster.port("AGGREGATOR");
      String url = "https://" + serverName + ":" + port + monitor.at("/spec/endpoints/0/path").asText();
      List<String> curl = List.of("curl", "-sS", "--max-time", "20", "--cacert", ca.toString(),
          "--resolve", serverName + ":" + port + ":127.0.0.1", "-w", "\n%{http_code}", url);
      List<String> withToken = new ArrayList<>(curl);
      withToken.addAll(withToken.size() - 1, List.of("-H", "@" + header));
      LocalCluster.Result scraped = LocalCluster.run(withToken);
      assertThat(scraped.exitCode()).as("curl as the ServiceMonitor says: %s", scraped.stderr()).isZero();
      assertThat(scraped.stdout().strip()).endsWith("\n200");
      LocalCluster.Result anonymous = LocalCluster.run(curl);
      assertThat(anonymous.stdout().strip()).as("without a token").endsWith("\n403");
      return scraped.stdout();
    } finally {
      Files.deleteIfExists(ca);
      Files.deleteIfExists(header);
    }
  }

  /**
   * Every series the alerts select exists: the aggregator's in what it just served, kube-apiserver's
   * in its own /metrics; {@code up} is Prometheus' own.
   */
  private static void assertTheRuleNamesRealSeries(JsonNode rule, String aggregatorMetrics)
      throws IOException, InterruptedException {
    Set<String> referenced = new TreeSet<>();
    rule.at("/spec/groups/0/rules").forEach(r -> {
      Matcher names = SELECTOR.matcher(r.path("expr").asText());
      while (names.find()) {
        referenced.add(names.group(1));
      }
    });
    Set<String> exported = seriesNames(aggregatorMetrics);
    exported.addAll(seriesNames(cluster.kubectl("get", "--raw", "/metrics").ok().stdout()));
    exported.add("up");
    assertThat(referenced).contains("pulse_scrape_nodes", "aggregator_unavailable_apiservice");
    assertThat(referenced).as("series the PrometheusRule selects").allSatisfy(name ->
        assertThat(exported).as("exported by the aggregator or kube-apiserver").contains(name));
  }

  /**
   * Prometheus' own checker on the rule as stored: {@code promtool check rules} (syntax, PromQL), and
   * {@code promtool test rules} over series shaped like the aggregator's and kube-apiserver's: a
   * healthy aggregator with two failing kubelets raises only PulseKubeletScrapesFailing; one that
   * cannot be scraped, scrapes nothing and whose cycles stopped, behind an unavailable APIService,
   * raises all four, with the labels and rendered annotations Alertmanager would get.
   */
  private static void assertPromtoolChecksAndFiresTheAlerts(JsonNode rule) throws IOException, InterruptedException {
    LocalCluster.Result build = LocalCluster.run(List.of(cluster.repo().resolve("e2e/bin/build-promtool.sh").toString()));
    System.out.print(build.stderr());
    assertThat(build.exitCode()).as("build-promtool.sh: %s", build.stderr()).isZero();
    String promtool = build.stdout().strip();
    Path dir = Files.createTempDirectory("pulse-e2e-promtool");
    try {
      ObjectNode rules = JSON.createObjectNode();
      rules.set("groups", rule.at("/spec/groups"));
      Files.writeString(dir.resolve("rules.yaml"), JSON.writeValueAsString(rules));
      LocalCluster.Result check = LocalCluster.run(List.of(promtool, "check", "rules", dir.resolve("rules.yaml").toString()));
      assertThat(check.exitCode()).as("promtool check rules: %s %s", check.stdout(), check.stderr()).isZero();
      assertThat(check.stdout() + check.stderr()).contains("SUCCESS: 4 rules found");

      Map<String, JsonNode> alerts = new TreeMap<>();
      rule.at("/spec/groups/0/rules").forEach(r -> alerts.put(r.path("alert").asText(), r));
      String own = "job=\"pulse-metrics\", namespace=\"" + Pipelines.NAMESPACE + "\", pod=\"" + POD + "\"";
      ObjectNode tests = JSON.createObjectNode();
      tests.putArray("rule_files").add("rules.yaml");
      tests.put("evaluation_interval", "1m");
      ArrayNode cases = tests.putArray("tests");
      ObjectNode healthy = testCase(cases, Map.of(
          "up{" + own + "}", "1x30",
          "pulse_scrape_nodes{" + own + ", result=\"failed\"}", "2x30",
          "pulse_scrape_nodes{" + own + ", result=\"succeeded\"}", "198x30",
          "pulse_scrape_cycle_duration_seconds_count{" + own + "}", "0+4x30",
          "aggregator_unavailable_apiservice{name=\"v1beta1.metrics.k8s.io\"}", "0x30"));
      expect(healthy, alerts.get("PulseKubeletScrapesFailing"), Map.of("namespace", Pipelines.NAMESPACE, "pod", POD), "2");
      for (String quiet : List.of("PulseAggregatorDown", "PulseMetricsStale", "PulseMetricsAPIUnavailable")) {
        expect(healthy, alerts.get(quiet), null, null);
      }
      ObjectNode broken = testCase(cases, Map.of(
          "up{" + own + "}", "0x30",
          "pulse_scrape_nodes{" + own + ", result=\"failed\"}", "200x30",
          "pulse_scrape_nodes{" + own + ", result=\"succeeded\"}", "0x30",
          "pulse_scrape_cycle_duration_seconds_count{" + own + "}", "7x30",
          "aggregator_unavailable_apiservice{name=\"v1beta1.metrics.k8s.io\"}", "1x30"));
      expect(broken, alerts.get("PulseAggregatorDown"),
          Map.of("job", "pulse-metrics", "namespace", Pipelines.NAMESPACE, "pod", POD), "0");
      expect(broken, alerts.get("PulseKubeletScrapesFailing"), Map.of("namespace", Pipelines.NAMESPACE, "pod", POD),
          "200");
      expect(broken, alerts.get("PulseMetricsStale"), Map.of("namespace", Pipelines.NAMESPACE, "pod", POD), "0");
      expect(broken, alerts.get("PulseMetricsAPIUnavailable"), Map.of("name", "v1beta1.metrics.k8s.io"), "1");
      Files.writeString(dir.resolve("tests.yaml"), JSON.writeValueAsString(tests));
      LocalCluster.Result test = LocalCluster.run(List.of(promtool, "test", "rules", dir.resolve("tests.yaml").toString()));
      assertThat(test.exitCode()).as("promtool test rules: %s %s", test.stdout(), test.stderr()).isZero();
      assertThat(test.stdout()).contains("SUCCESS");
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  /** A promtool test case over 30 minutes of {@code series}, evaluated at 20 minutes. */
  private static ObjectNode testCase(ArrayNode cases, Map<String, String> series) {
    ObjectNode testCase = cases.addObject().put("interval", "1m");
    ArrayNode input = testCase.putArray("input_series");
    series.forEach((name, values) -> input.addObject().put("series", name).put("values", values));
    testCase.putArray("alert_rule_test");
    return testCase;
  }

  /**
   * That {@code alert} fires at 20m with the series' {@code labels} and its annotations rendered for
   * them and {@code value}; with null labels, that it does not fire.
   */
  private static void expect(ObjectNode testCase, JsonNode alert, Map<String, String> labels, String value) {
    ObjectNode check = ((ArrayNode) testCase.get("alert_rule_test")).addObject()
        .put("eval_time", "20m").put("alertname", alert.path("alert").asText());
    ArrayNode expected = check.putArray("exp_alerts");
    if (labels == null) {
      return;
    }
    ObjectNode firing = expected.addObject();
    ObjectNode expLabels = firing.putObject("exp_labels");
    labels.forEach(expLabels::put);
    expLabels.put("severity", alert.at("/labels/severity").asText());
    ObjectNode annotations = firing.putObject("exp_annotations");
    alert.path("annotations").fields().forEachRemaining(a -> annotations.put(a.getKey(), a.getValue().asText()
        .replace("{{ $labels.namespace }}", labels.getOrDefault("namespace", ""))
        .replace("{{ $labels.pod }}", labels.getOrDefault("pod", ""))
        .replace("{{ $value }}", value)));
  }

  private static Set<String> seriesNames(String exposition) {
    return exposition.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
  }

  private static void removeCrds() throws IOException, InterruptedException {
    cluster.kubectl("delete", "crd", CRD_NAMES.get(0), CRD_NAMES.get(1), "--ignore-not-found", "--wait=true").ok();
  }
}
