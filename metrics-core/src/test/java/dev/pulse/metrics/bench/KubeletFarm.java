package dev.pulse.metrics.bench;

import dev.pulse.metrics.testing.FakeKubelets;
import dev.pulse.metrics.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark's simulated kubelets, in a process of their own so that the CPU and heap measured
 * in {@link ScrapeBenchmark} are the aggregator's alone. Prints {@code ready <port> <ca file>},
 * then serves until its standard input closes. An optional third argument names a PEM file of
 * CAs whose client certificates it accepts, as a kubelet accepts the cluster CA's.
 */
public final class KubeletFarm {

  private KubeletFarm() {}

  public static void main(String[] args) throws Exception {
    int nodes = Integer.parseInt(args[0]);
    int pods = Integer.parseInt(args[1]);
    TestPki.Ca ca = TestPki.newCa("bench-kubelet-ca");
    Path caFile = ca.writeCertTo(Files.createTempDirectory("pulse-bench"), "ca");
    List<String> clientCas = args.length > 2 ? List.of(Files.readString(Path.of(args[2]))) : List.of();
    try (FakeKubelets farm = FakeKubelets.start(ca, null, clientCas)) {
      for (int n = 0; n < nodes; n++) {
        FakeKubelets.SimNode node = farm.addNode(ScrapeBenchmark.nodeName(n)).usage(2_000_000_000L + n, 8L << 30);
        for (int p = 0; p < pods; p++) {
          // Ten namespaces, one container per pod, usages that differ so no two series are alike.
          node.container("ns-" + p % 10, "pod-" + n + "-" + p, "app", 5_000_000L + 1000L * p, (64L << 20) + 4096L * p);
        }
      }
      System.out.println("ready " + farm.port() + " " + caFile);
      System.out.flush();
      while (System.in.read() >= 0) {
        // Serve until the parent closes our input (or exits).
      }
    }
  }
}
