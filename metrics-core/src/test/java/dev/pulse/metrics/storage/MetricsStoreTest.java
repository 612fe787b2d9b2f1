package dev.pulse.metrics.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The storage semantics users see through kubectl top and the HPA: when usage appears, what a
 * restart, a counter reset, a zero or a failed scrape does to it. Each case states where Pulse
 * deliberately differs from metrics-server.
 */
class MetricsStoreTest {

  private static final long RESOLUTION = 15_000;
  private static final long T0 = 1_700_000_000_000L;
  private static final long SECOND = 1_000_000_000L; // one core-second in nanocore-seconds

  private final MetricsStore store = new MetricsStore(RESOLUTION, 1);

  /** A report builder: one node sample plus containers. */
  private static final class Report {
    private NodeSample node;
    private final List<ContainerSample> containers = new ArrayList<>();

    Report node(long ts, long cpuNanos, long memory) {
      node = new NodeSample(ts, cpuNanos, memory);
      return this;
    }

    Report container(String ns, String pod, String name, long ts, long cpuNanos, long memory, long start) {
      containers.add(new ContainerSample(ns, pod, name, ts, cpuNanos, memory, start));
      return this;
    }

    KubeletReport build() {
      return new KubeletReport(node, containers, List.of());
    }
  }

  private static Report report() {
    return new Report();
  }

  @Nested
  class Nodes {

    @Test
    void usageNeedsTwoSamplesAndIsTheRateOverTheMeasuredWindow() {
      store.recordSuccess("n1", report().node(T0, 100 * SECOND, 1024).build());
      assertThat(store.node("n1")).isNull();

      store.recordSuccess("n1", report().node(T0 + 15_953, 100 * SECOND + 3_988_250_000L, 2048).build());

      // 3.98825 core-seconds over 15.953 s = 0.25 cores; the window is the real gap, not 15 s.
      assertThat(store.node("n1")).isEqualTo(new Usage(T0 + 15_953, 15_953, 250_000_000, 2048));
    }

    @Test
    void theSameSampleServedTwiceKeepsTheUsage() {
      store.recordSuccess("n1", report().node(T0, 0, 1).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, 15 * SECOND, 1).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, 15 * SECOND, 1).build());

      assertThat(store.node("n1")).isEqualTo(new Usage(T0 + 15_000, 15_000, SECOND, 1));
    }

    @Test
    void aCounterResetYieldsNoUsageUntilTheNextSample() {
      store.recordSuccess("n1", report().node(T0, 500 * SECOND, 1).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, 515 * SECOND, 1).build());
      store.recordSuccess("n1", report().node(T0 + 30_000, 2 * SECOND, 1).build()); // node rebooted

      assertThat(store.node("n1")).isNull();

      store.recordSuccess("n1", report().node(T0 + 45_000, 5 * SECOND, 1).build());
      assertThat(store.node("n1")).isEqualTo(new Usage(T0 + 45_000, 15_000, 200_000_000, 1));
    }

    @Test
    void aZeroWorkingSetIsLeftOutAndSaidSoButAZeroCpuCounterIsAReading() {
      store.recordSuccess("n1", report().node(T0, 0, 1).build());
      List<Dropped> dropped = store.recordSuccess("n1", report().node(T0 + 15_000, 0, 0).build());

      // As metrics-server (#819): a working set of 0 was not measured. A CPU counter at 0 was.
      assertThat(store.node("n1")).isNull();
      assertThat(dropped).containsExactly(new Dropped("node", Dropped.Cause.ZERO_WORKING_SET,
          "node_memory_working_set_bytes is 0"));

      assertThat(store.recordSuccess("n1", report().node(T0 + 30_000, 0, 1).build())).isEmpty();
      assertThat(store.recordSuccess("n1", report().node(T0 + 45_000, 0, 1).build())).isEmpty();
      assertThat(store.node("n1")).isEqualTo(new Usage(T0 + 45_000, 15_000, 0, 1));
    }

    @Test
    void aNodeMissingOneSeriesIsNotServedButItsPodsAre() {
      store.recordSuccess("n1", report().node(T0, 0, 1)
          .container("ns", "p", "c", T0, 0, 1, T0 - 3_600_000).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, 15 * SECOND, -1)
          .container("ns", "p", "c", T0 + 15_000, 15 * SECOND, 1, T0 - 3_600_000).build());

      assertThat(store.node("n1")).isNull();
      assertThat(store.pod("ns", "p")).isNotNull();
    }
  }

  @Nested
  class FailedScrapes {

    private void twoGoodScrapes() {
      store.recordSuccess("n1", report().node(T0, 0, 1).container("ns", "p", "c", T0, 0, 5, T0 - 60_000).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, 15 * SECOND, 1)
          .container("ns", "p", "c", T0 + 15_000, 3 * SECOND, 5, T0 - 60_000).build());
    }

    @Test
    void oneFailureKeepsServingTheLastUsage() {
      twoGoodScrapes();
      store.recordFailure("n1");

      // metrics-server forgets the node and its pods at once and needs two more scrapes (~30 s gap).
      assertThat(store.node("n1")).isEqualTo(new Usage(T0 + 15_000, 15_000, SECOND, 1));
      assertThat(store.pod("ns", "p")).isNotNull();
    }

    @Test
    void aSecondConsecutiveFailureDropsTheNodeAndItsPods() {
      twoGoodScrapes();
      store.recordFailure("n1");
      store.recordFailure("n1");

      assertThat(store.node("n1")).isNull();
      assertThat(store.pod("ns", "p")).isNull();
    }

    @Test
    void withToleranceZeroTheFirstFailureDrops() {
      MetricsStore strict = new MetricsStore(RESOLUTION, 0);
      strict.recordSuccess("n1", report().node(T0, 0, 1).build());
      strict.recordSuccess("n1", report().node(T0 + 15_000, 15 * SECOND, 1).build());
      strict.recordFailure("n1");

      assertThat(strict.node("n1")).isNull();
    }

    @Test
    void theScrapeAfterAFailureHasUsageAtOnceOverTheLongerWindow() {
      twoGoodScrapes();
      store.recordFailure("n1");
      store.recordSuccess("n1", report().node(T0 + 45_000, 45 * SECOND, 1)
          .container("ns", "p", "c", T0 + 45_000, 9 * SECOND, 5, T0 - 60_000).build());

      assertThat(store.node("n1")).isEqualTo(new Usage(T0 + 45_000, 30_000, SECOND, 1));
      assertThat(store.pod("ns", "p").containers())
          .containsExactly(new ContainerUsage("c", new Usage(T0 + 45_000, 30_000, 200_000_000, 5)));
    }

    @Test
    void aSuccessResetsTheFailureCount() {
      twoGoodScrapes();
      store.recordFailure("n1");
      store.recordSuccess("n1", report().node(T0 + 45_000, 45 * SECOND, 1)
          .container("ns", "p", "c", T0 + 45_000, 9 * SECOND, 5, T0 - 60_000).build());
      store.recordFailure("n1");

      assertThat(store.node("n1")).isNotNull();
    }
  }

  @Nested
  class Containers {

    @Test
    void aPodIsServedWithEveryContainerAndTheEarliestTimestamp() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report()
          .container("ns", "web", "app", T0, 10 * SECOND, 4096, start)
          .container("ns", "web", "sidecar", T0 + 500, 1 * SECOND, 1024, start).build());
      store.recordSuccess("n1", report()
          .container("ns", "web", "app", T0 + 15_000, 13 * SECOND, 8192, start)
          .container("ns", "web", "sidecar", T0 + 15_400, 1 * SECOND + 74_500_000, 1024, start).build());

      // The HPA compares the pod's timestamp and window with its readiness: they are the earliest container's.
      assertThat(store.pod("ns", "web")).isEqualTo(new PodUsage(T0 + 15_000, 15_000, List.of(
          new ContainerUsage("app", new Usage(T0 + 15_000, 15_000, 200_000_000, 8192)),
          new ContainerUsage("sidecar", new Usage(T0 + 15_400, 14_900, 5_000_000, 1024)))));
    }

    @Test
    void aPodsContainersAreMatchedByNameAmongOtherPodsInAnyOrder() {
      long start = T0 - 3_600_000;
      // A kubelet sorts series by their labels, container first: pods' containers come interleaved.
      store.recordSuccess("n1", report()
          .container("ns", "a", "app", T0, 10 * SECOND, 1, start)
          .container("ns", "b", "app", T0, 20 * SECOND, 2, start)
          .container("ns", "a", "proxy", T0, 30 * SECOND, 3, start).build());
      store.recordSuccess("n1", report()
          .container("ns", "b", "app", T0 + 15_000, 23 * SECOND, 5, start)
          .container("ns", "a", "proxy", T0 + 15_000, 36 * SECOND, 6, start)
          .container("ns", "a", "app", T0 + 15_000, 11 * SECOND + 500_000_000, 4, start).build());

      assertThat(store.pod("ns", "a").containers()).containsExactly(
          new ContainerUsage("proxy", new Usage(T0 + 15_000, 15_000, 400_000_000, 6)),
          new ContainerUsage("app", new Usage(T0 + 15_000, 15_000, 100_000_000, 4)));
      assertThat(store.pod("ns", "b").containers()).containsExactly(
          new ContainerUsage("app", new Usage(T0 + 15_000, 15_000, 200_000_000, 5)));
    }

    @Test
    void aContainerWithZeroWorkingSetLeavesItsPodOutAsMetricsServerDoes() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report()
          .container("ns", "p", "app", T0, 0, 1, start).container("ns", "p", "sleeper", T0, 0, 1, start).build());
      List<Dropped> dropped = store.recordSuccess("n1", report()
          .container("ns", "p", "app", T0 + 15_000, 15 * SECOND, 4096, start)
          .container("ns", "p", "sleeper", T0 + 15_000, 0, 0, start).build());

      // An HPA must not average in a zero nobody measured (metrics-server #1330 leaves the pod out too).
      assertThat(store.pod("ns", "p")).isNull();
      assertThat(dropped).filteredOn(d -> d.subject().startsWith("pod ")).containsExactly(new Dropped("pod ns/p", Dropped.Cause.ZERO_WORKING_SET,
          "container_memory_working_set_bytes{container=\"sleeper\"} is 0"));
    }

    @Test
    void whatIsLeftOutIsReportedOncePerPodWithItsFirstCause() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report().container("ns", "reset", "c", T0, 50 * SECOND, 1, start).build());
      List<Dropped> dropped = store.recordSuccess("n1", new KubeletReport(null, List.of(
          new ContainerSample("ns", "reset", "c", T0 + 15_000, 10 * SECOND, 1, start),
          new ContainerSample("ns", "half", "a", T0 + 15_000, -1, 1, start),
          new ContainerSample("ns", "half", "b", T0 + 15_000, SECOND, -1, start),
          new ContainerSample("ns", "nan", "c", T0 + 15_000, -1, 1, start)),
          List.of(new Dropped("pod ns/nan", Dropped.Cause.UNUSABLE_VALUE,
                  "container_cpu_usage_seconds_total{container=\"c\"} is NaN"),
              new Dropped("series", Dropped.Cause.MISSING_LABELS, "container_cpu_usage_seconds_total without a "
                  + "namespace, pod or container label"))));

      assertThat(dropped).containsExactlyInAnyOrder(
          new Dropped("series", Dropped.Cause.MISSING_LABELS,
              "container_cpu_usage_seconds_total without a namespace, pod or container label"),
          new Dropped("node", Dropped.Cause.MISSING_SAMPLE, "no node_cpu_usage_seconds_total"),
          new Dropped("pod ns/reset", Dropped.Cause.COUNTER_RESET,
              "container_cpu_usage_seconds_total{container=\"c\"} went down without a restart"),
          new Dropped("pod ns/half", Dropped.Cause.MISSING_SAMPLE,
              "no container_cpu_usage_seconds_total{container=\"a\"}"),
          new Dropped("pod ns/nan", Dropped.Cause.UNUSABLE_VALUE,
              "container_cpu_usage_seconds_total{container=\"c\"} is NaN"));
    }

    @Test
    void aRejectedSampleWhosePodIsStillServedLeavesNothingOut() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report().node(T0, SECOND, 1).container("ns", "p", "c", T0, SECOND, 1, start).build());
      List<Dropped> dropped = store.recordSuccess("n1", new KubeletReport(new NodeSample(T0 + 15_000, 2 * SECOND, 1),
          List.of(new ContainerSample("ns", "p", "c", T0 + 15_000, 2 * SECOND, 1, start)),
          List.of(new Dropped("pod ns/p", Dropped.Cause.UNUSABLE_VALUE, "a NaN duplicate after the value kept"))));

      assertThat(dropped).isEmpty();
      assertThat(store.pod("ns", "p")).isNotNull();
    }

    @Test
    void aPodMissingAMeasurementIsOmittedRatherThanUnderReported() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report().container("ns", "p", "app", T0, 0, 1, start).build());
      // A sidecar appears with no start time: it has one point, so the pod's total is unknown.
      store.recordSuccess("n1", report()
          .container("ns", "p", "app", T0 + 15_000, 15 * SECOND, 1, start)
          .container("ns", "p", "sidecar", T0 + 15_000, SECOND, 1, -1).build());

      assertThat(store.pod("ns", "p")).isNull();

      store.recordSuccess("n1", report()
          .container("ns", "p", "app", T0 + 30_000, 30 * SECOND, 1, start)
          .container("ns", "p", "sidecar", T0 + 30_000, 2 * SECOND, 1, -1).build());
      assertThat(store.pod("ns", "p").containers()).hasSize(2);
    }

    @Test
    void anIncompleteContainerHidesOnlyItsOwnPod() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report()
          .container("ns", "a", "c", T0, 0, 1, start).container("ns", "b", "c", T0, 0, 1, start).build());
      store.recordSuccess("n1", report()
          .container("ns", "a", "c", T0 + 15_000, SECOND, -1, start)
          .container("ns", "b", "c", T0 + 15_000, SECOND, 1, start).build());

      assertThat(store.pod("ns", "a")).isNull();
      assertThat(store.pod("ns", "b")).isNotNull();
    }

    @Test
    void aContainerStartedSinceTheLastScrapeHasUsageFromItsStart() {
      store.recordSuccess("n1", report().node(T0, 0, 1).build());
      // Started 12 s before the next sample: its counter began at 0 then, so 1.2 core-seconds = 0.1 cores.
      store.recordSuccess("n1", report().node(T0 + 15_000, SECOND, 1)
          .container("ns", "new", "c", T0 + 15_000, 1_200_000_000L, 1, T0 + 3_000).build());

      assertThat(store.pod("ns", "new").containers())
          .containsExactly(new ContainerUsage("c", new Usage(T0 + 15_000, 12_000, 100_000_000, 1)));
    }

    @Test
    void aContainerYoungerThanTenSecondsWaitsForItsSecondSample() {
      store.recordSuccess("n1", report().node(T0, 0, 1).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, SECOND, 1)
          .container("ns", "new", "c", T0 + 15_000, 100_000_000L, 1, T0 + 9_000).build());

      assertThat(store.pod("ns", "new")).isNull();
    }

    @Test
    void atStartupOnlyContainersYoungerThanTheResolutionUseTheirStart() {
      // No earlier look at this node: an hour-old container's lifetime average is not its current usage.
      store.recordSuccess("n1", report()
          .container("ns", "old", "c", T0, 3_600 * SECOND, 1, T0 - 3_600_000)
          .container("ns", "young", "c", T0, 1_200_000_000L, 1, T0 - 12_000).build());

      assertThat(store.pod("ns", "old")).isNull();
      assertThat(store.pod("ns", "young").containers().get(0).usage())
          .isEqualTo(new Usage(T0, 12_000, 100_000_000, 1));
    }

    @Test
    void aRestartedContainerIsMeasuredFromItsNewStart() {
      store.recordSuccess("n1", report().container("ns", "p", "c", T0, 500 * SECOND, 1, T0 - 3_600_000).build());
      store.recordSuccess("n1", report().container("ns", "p", "c", T0 + 15_000, 501 * SECOND, 1, T0 - 3_600_000).build());
      // Restarted at T0+17s; sampled at T0+30s: 13 s of life, 1.3 core-seconds.
      store.recordSuccess("n1", report().container("ns", "p", "c", T0 + 30_000, 1_300_000_000L, 1, T0 + 17_000).build());

      assertThat(store.pod("ns", "p").containers().get(0).usage()).isEqualTo(new Usage(T0 + 30_000, 13_000, 100_000_000, 1));
    }

    @Test
    void aCounterDecreaseWithoutRestartHidesThePodForOneScrape() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report().container("ns", "p", "c", T0, 50 * SECOND, 1, start).build());
      store.recordSuccess("n1", report().container("ns", "p", "c", T0 + 15_000, 51 * SECOND, 1, start).build());
      store.recordSuccess("n1", report().container("ns", "p", "c", T0 + 30_000, 10 * SECOND, 1, start).build());

      // metrics-server serves such a pod with the container missing (an empty containers list).
      assertThat(store.pod("ns", "p")).isNull();

      store.recordSuccess("n1", report().container("ns", "p", "c", T0 + 45_000, 13 * SECOND, 1, start).build());
      assertThat(store.pod("ns", "p").containers().get(0).usage().cpuNanocores()).isEqualTo(200_000_000);
    }

    @Test
    void aStartTimeThatIsNotAnEpochIsNotMistakenForRestarts() {
      // kwok reports seconds since start: the value grows every scrape but stays far in the past.
      store.recordSuccess("n1", report().container("ns", "p", "c", T0, 50 * SECOND, 1, 120_000).build());
      store.recordSuccess("n1", report().container("ns", "p", "c", T0 + 15_000, 53 * SECOND, 1, 135_000).build());

      assertThat(store.pod("ns", "p").containers().get(0).usage().cpuNanocores()).isEqualTo(200_000_000);
    }

    @Test
    void aPodNoLongerReportedIsForgotten() {
      long start = T0 - 3_600_000;
      store.recordSuccess("n1", report().container("ns", "p", "c", T0, 0, 1, start).build());
      store.recordSuccess("n1", report().container("ns", "p", "c", T0 + 15_000, SECOND, 1, start).build());
      store.recordSuccess("n1", report().node(T0 + 30_000, 0, 1).build());

      assertThat(store.pod("ns", "p")).isNull();
      assertThat(store.containerSeries()).isZero();
    }
  }

  @Nested
  class Membership {

    @Test
    void nodesNoLongerScrapedAreForgottenWithTheirPods() {
      long start = T0 - 3_600_000;
      for (String node : List.of("n1", "n2")) {
        store.recordSuccess(node, report().node(T0, 0, 1).container("ns", "p-" + node, "c", T0, 0, 1, start).build());
        store.recordSuccess(node, report().node(T0 + 15_000, SECOND, 1)
            .container("ns", "p-" + node, "c", T0 + 15_000, SECOND, 1, start).build());
      }
      store.retainNodes(Set.of("n2"));

      assertThat(store.node("n1")).isNull();
      assertThat(store.pod("ns", "p-n1")).isNull();
      assertThat(store.node("n2")).isNotNull();
      assertThat(store.pod("ns", "p-n2")).isNotNull();
      assertThat(store.nodeSeries()).isEqualTo(1);
    }

    @Test
    void aPodSeenOnTwoNodesSurvivesTheOldNodeLettingGo() {
      long start = T0 - 3_600_000;
      store.recordSuccess("old", report().container("ns", "p", "c", T0, 0, 1, start).build());
      store.recordSuccess("old", report().container("ns", "p", "c", T0 + 15_000, SECOND, 1, start).build());
      store.recordSuccess("new", report().container("ns", "p", "c", T0 + 1_000, 0, 2, start).build());
      store.recordSuccess("new", report().container("ns", "p", "c", T0 + 16_000, 3 * SECOND, 2, start).build());
      store.recordSuccess("old", report().build());

      assertThat(store.pod("ns", "p").containers().get(0).usage().memoryBytes()).isEqualTo(2);
    }
  }

  @Nested
  class Readiness {

    @Test
    void notReadyWhileEmpty() {
      assertThat(store.ready()).isFalse();
    }

    @Test
    void notReadyWithNodeUsageButPodsStillUnmeasured() {
      store.recordSuccess("n1", report().node(T0, 0, 1).container("ns", "p", "c", T0, 0, 1, -1).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, SECOND, 1)
          .container("ns", "p", "c", T0 + 15_000, SECOND, 1, -1).build());
      store.recordSuccess("n1", report().node(T0 + 30_000, 2 * SECOND, 1)
          .container("ns", "p2", "c", T0 + 30_000, SECOND, 1, -1).build());

      assertThat(store.node("n1")).isNotNull();
      assertThat(store.ready()).isFalse();
    }

    @Test
    void readyWithNodeAndPodUsage() {
      store.recordSuccess("n1", report().node(T0, 0, 1).container("ns", "p", "c", T0, 0, 1, -1).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, SECOND, 1)
          .container("ns", "p", "c", T0 + 15_000, SECOND, 1, -1).build());

      assertThat(store.ready()).isTrue();
    }

    @Test
    void readyWithNodeUsageWhenNoKubeletReportsContainers() {
      store.recordSuccess("n1", report().node(T0, 0, 1).build());
      store.recordSuccess("n1", report().node(T0 + 15_000, SECOND, 1).build());

      assertThat(store.ready()).isTrue();
    }
  }
}
