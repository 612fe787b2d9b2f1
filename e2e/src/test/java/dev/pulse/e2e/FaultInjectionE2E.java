package dev.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults a production cluster lives through, injected into the real local control plane: the
 * operator killed mid-change, certificates rotated under load, kube-apiserver killed, kube-apiserver
 * and etcd frozen past the operator's Lease. Each test asserts what users see: metrics keep being
 * served, {@code kubectl top} comes back within a resolution, the operator leads again, the pipeline
 * is Ready and current, and nothing was recreated.
 *
 * <p>Ordered so that the operator's restart back-off (its supervisor's, like the kubelet's: 10 s
 * doubling, reset after 10 min of running) is shortest where a test waits for a restart: the
 * freezes, which may make the operator exit, come last.
 */
@ExtendWith(LocalCluster.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionE2E {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** operator OperatorMain: the Lease lasts 30 s, the leader gives up after 20 s without renewal. */
  private static final Duration LEASE_DURATION = Duration.ofSeconds(30);
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(20);
  /** The sample pipeline's metric resolution: the scrape period. */
  private static final Duration RESOLUTION = Duration.ofSeconds(15);
  /**
   * From a fault's end to a leading, reconciling operator: the back-off of an operator that exited
   * during the fault (up to 40 s by the last test), a Lease left by a dead leader (30 s), start-up.
   */
  private static final Duration RECOVER = Duration.ofMinutes(2);
  private static final int CLIENTS = 8;

  private static LocalCluster cluster;

  @BeforeAll
  static void up(LocalCluster localCluster) throws Exception {
    cluster = localCluster;
    await().atMost(RECOVER).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster)));
  }

  /**
   * Whatever a failed test left: processes resumed, the sample spec, and an operator with a fresh
   * restart back-off (a new supervisor, as a new pod gets), so later classes do not wait on it.
   */
  @AfterAll
  static void restore() throws Exception {
    for (String component : List.of("etcd", "kube-apiserver")) {
      if (cluster.running(component)) {
        cluster.signal(component, "CONT");
      }
    }
    if (!cluster.running("kube-apiserver")) {
      cluster.script("cluster-up.sh", "--restart", "kube-apiserver");
    }
    await().atMost(RECOVER).pollInterval(Duration.ofSeconds(2))
        .until(() -> cluster.kubectl("get", "--raw", "/readyz").exitCode() == 0);
    cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
        "{\"spec\":{\"metricResolution\":null,\"certificates\":null}}").ok();
    cluster.stop("operator");
    cluster.script("up.sh");
    await().atMost(RECOVER).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster)));
  }

  @Test
  @Order(1)
  void anOperatorKilledInTheMiddleOfASpecChangeRollsItOutWhenItIsBack() throws Exception {
    Map<String, String> uids = Pipelines.uids(Pipelines.managedObjects(cluster));
    try {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"metricResolution\":\"20s\"}}").ok();
      cluster.kill("operator");

      // Its supervisor restarts it; it waits out the dead leader's Lease, then reconciles.
      await().atMost(RECOVER).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        assertThat(deploymentArgs()).contains("--metric-resolution=20s");
        Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster));
      });
      assertThat(operatorLog()).as("the restart, in the operator's log").contains("operator exited with code 137");
      assertThat(Pipelines.uids(Pipelines.managedObjects(cluster))).as("nothing recreated").isEqualTo(uids);
    } finally {
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"metricResolution\":null}}").ok();
    }
    await().atMost(RECOVER).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(deploymentArgs()).contains("--metric-resolution=15s");
      Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster));
    });
  }

  /**
   * An admin rotates the CA now (a leaked key, a policy change) the way the operator supports:
   * {@code renewBefore} longer than the CA's remaining life. kube-apiserver trusts the old and the
   * new CA while the aggregator switches certificates (from the synced Secret volume): no client
   * sees an error.
   */
  @Test
  @Order(2)
  void certificateAndCaRotationFailsNoRequest() throws Exception {
    String oldCa = caSecretCertificate();
    String oldServing = servingSecretCertificate();
    long remainingHours = Duration.between(Instant.now(), notAfter(oldCa)).toHours() + 1;
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger served = new AtomicInteger();
    AtomicBoolean listing = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int i = 0; i < CLIENTS; i++) {
        clients.submit(() -> listNodesUntilStopped(listing, served, failures));
      }
      Instant patched = Instant.now();
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p", String.format(
          "{\"spec\":{\"certificates\":{\"renewBefore\":\"%dh\",\"validity\":\"%dh\",\"caValidity\":\"%dh\"}}}",
          remainingHours, remainingHours + 1, remainingHours + 2)).ok();

      Path newCa = Files.createTempFile("pulse-new-ca", ".crt");
      try {
        // Served once the aggregator presents a certificate that only the new CA verifies.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
          String ca = caSecretCertificate();
          Files.writeString(newCa, ca);
          return !ca.equals(oldCa) && aggregator("/livez", newCa).exitCode() == 0;
        });
      } finally {
        Files.delete(newCa);
      }
      System.out.printf("rotation: new certificate served %ds after the spec change; %d requests so far%n",
          Duration.between(patched, Instant.now()).toSeconds(), served.get());
      assertThat(servingSecretCertificate()).isNotEqualTo(oldServing);
      assertThat(apiServiceCaBundle()).as("the old CA is trusted until it expires").contains(oldCa.strip());
      // A little more traffic on the new certificate, then the count.
      int before = served.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= before + CLIENTS * 5);
    } finally {
      listing.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
      cluster.kubectl("patch", "metricspipeline", Pipelines.NAME, "--type=merge", "-p",
          "{\"spec\":{\"certificates\":null}}").ok();
    }
    System.out.printf("rotation: %d node lists served to %d clients, %d failed%n", served.get(), CLIENTS,
        failures.size());
    assertThat(failures).as("failed requests").isEmpty();
    assertThat(served.get()).isGreaterThan(CLIENTS * 10);
    await().atMost(RECOVER).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster)));
  }

  @Test
  @Order(3)
  void pulseOutlivesAKilledKubeApiserver() throws Exception {
    rideOut(() -> {
      cluster.kill("kube-apiserver");
      answersDirectlyFor(Duration.ofSeconds(5));
      cluster.script("cluster-up.sh", "--restart", "kube-apiserver");
    });
  }

  /**
   * Frozen longer than the Lease. Either the operator gives its leadership up and exits (its
   * supervisor restarts it), or, what fabric8's elector did here, its renewal waits through the
   * freeze and succeeds when kube-apiserver resumes; either way it must lead again.
   */
  @Test
  @Order(4)
  void pulseOutlivesAFrozenKubeApiserver() throws Exception {
    rideOut(() -> freeze("kube-apiserver", LEASE_DURATION.plusSeconds(5)));
  }

  /**
   * Frozen past the renew deadline, after which the leader gives up the Lease: the same effect on
   * the operator as the frozen kube-apiserver, in 10 s less; kube-apiserver itself stays up.
   */
  @Test
  @Order(5)
  void pulseOutlivesAFrozenEtcd() throws Exception {
    rideOut(() -> freeze("etcd", RENEW_DEADLINE.plusSeconds(5)));
  }

  private interface Fault {
    void inject() throws Exception;
  }

  /** Injects the fault, then checks everything a user relies on after it. */
  private static void rideOut(Fault fault) throws Exception {
    Map<String, String> uids = Pipelines.uids(Pipelines.managedObjects(cluster));
    int nodes = cluster.json("get", "nodes", "-o", "json").path("items").size();
    await().atMost(RESOLUTION.multipliedBy(2)).pollInterval(Duration.ofSeconds(1))
        .until(() -> nodesServedDirectly() == nodes);
    int restarts = operatorRestarts();

    Instant start = Instant.now();
    fault.inject();
    Instant over = Instant.now();

    await().atMost(RESOLUTION.plusSeconds(30)).pollInterval(Duration.ofSeconds(1))
        .until(() -> cluster.kubectl("top", "nodes").exitCode() == 0);
    System.out.printf("kubectl top nodes works %ds after the fault (it lasted %ds)%n",
        Duration.between(over, Instant.now()).toSeconds(), Duration.between(start, over).toSeconds());
    await().atMost(RECOVER).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(cluster.running("operator")).as("the operator runs").isTrue();
      assertThat(Duration.between(leaseRenewTime(), Instant.now())).as("the leader renews the Lease")
          .isLessThan(LEASE_DURATION);
      Pipelines.assertReadyAndCurrent(Pipelines.pipeline(cluster));
    });
    System.out.printf("operator restarts by its supervisor: %d; Ready and leading %ds after the fault%n",
        operatorRestarts() - restarts, Duration.between(over, Instant.now()).toSeconds());
    assertThat(Pipelines.uids(Pipelines.managedObjects(cluster))).as("nothing recreated").isEqualTo(uids);
  }

  /** SIGSTOP for {@code length}, during which Pulse keeps serving, then SIGCONT. */
  private static void freeze(String component, Duration length) throws Exception {
    cluster.signal(component, "STOP");
    try {
      answersDirectlyFor(length);
    } finally {
      cluster.signal(component, "CONT");
    }
  }

  /** The aggregator keeps answering, from what it has, whatever the control plane does. */
  private static void answersDirectlyFor(Duration length) {
    await().during(length).atMost(length.plusSeconds(15)).pollInterval(Duration.ofSeconds(2))
        .until(() -> nodesServedDirectly() > 0);
  }

  /**
   * Nodes listed by the aggregator itself, dialled as kube-apiserver dials it (the Service's name,
   * verified with the caBundle) as the cluster admin, whose certificate it checks without asking
   * kube-apiserver; 0 when it does not answer.
   */
  private static int nodesServedDirectly() throws Exception {
    LocalCluster.Result nodes = aggregator("/apis/metrics.k8s.io/v1beta1/nodes",
        cluster.repo().resolve(".pulse/aggregator/ca.crt"));
    return nodes.exitCode() == 0 ? JSON.readTree(nodes.stdout()).path("items").size() : 0;
  }

  private static LocalCluster.Result aggregator(String path, Path ca) throws Exception {
    int port = cluster.port("AGGREGATOR");
    String host = "pulse-metrics." + Pipelines.NAMESPACE + ".svc";
    Path pki = cluster.repo().resolve(".pulse/pki");
    return LocalCluster.run(List.of("curl", "-fsS", "--max-time", "5", "--cacert", ca.toString(),
        "--cert", pki.resolve("admin.crt").toString(), "--key", pki.resolve("admin.key").toString(),
        "--resolve", host + ":" + port + ":127.0.0.1", "https://" + host + ":" + port + path));
  }

  /** One of the clients: lists node metrics through kube-apiserver, back to back, until told to stop. */
  private static void listNodesUntilStopped(AtomicBoolean listing, AtomicInteger served,
      ConcurrentLinkedQueue<String> failures) {
    List<String> command = new ArrayList<>(List.of("curl", "-fsS", "--max-time", "10"));
    try {
      command.addAll(cluster.adminTls());
      command.add("https://127.0.0.1:" + cluster.port("APISERVER") + "/apis/metrics.k8s.io/v1beta1/nodes");
      while (listing.get()) {
        LocalCluster.Result result = LocalCluster.run(command);
        if (result.exitCode() == 0 && JSON.readTree(result.stdout()).path("items").size() > 0) {
          served.incrementAndGet();
        } else {
          failures.add(Instant.now() + " exit " + result.exitCode() + ": " + result.stderr() + result.stdout());
        }
      }
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }

  private static String deploymentArgs() throws Exception {
    return cluster.json("get", "deployment", "-n", Pipelines.NAMESPACE, "pulse-metrics", "-o", "json")
        .at("/spec/template/spec/containers/0/args").toString();
  }

  private static Instant leaseRenewTime() throws Exception {
    JsonNode lease = cluster.json("get", "lease", "-n", "pulse-operator", "pulse-operator", "-o", "json");
    return Instant.parse(lease.at("/spec/renewTime").asText());
  }

  private static String operatorLog() throws Exception {
    return Files.readString(cluster.repo().resolve(".pulse/logs/operator.log"));
  }

  /** How often the operator's supervisor restarted it, as its log says. */
  private static int operatorRestarts() throws Exception {
    return (int) operatorLog().lines().filter(line -> line.contains("supervisor: operator exited")).count();
  }

  private static String caSecretCertificate() throws Exception {
    return secretCertificate("pulse-metrics-ca", "ca.crt");
  }

  private static String servingSecretCertificate() throws Exception {
    return secretCertificate("pulse-metrics-serving", "tls.crt");
  }

  private static String secretCertificate(String secret, String key) throws Exception {
    JsonNode data = cluster.json("get", "secret", "-n", Pipelines.NAMESPACE, secret, "-o", "json").path("data");
    return new String(Base64.getDecoder().decode(data.path(key).asText()), StandardCharsets.US_ASCII);
  }

  private static String apiServiceCaBundle() throws Exception {
    String bundle = cluster.json("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json").at("/spec/caBundle").asText();
    return new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII);
  }

  private static Instant notAfter(String pem) throws Exception {
    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    return certificate.getNotAfter().toInstant();
  }
}
