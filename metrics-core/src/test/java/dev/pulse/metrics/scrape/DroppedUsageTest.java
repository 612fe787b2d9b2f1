package dev.pulse.metrics.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pulse.metrics.storage.Dropped;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What an operator reading the log and /metrics learns about usage left out, and how often. */
class DroppedUsageTest {

  private static final Dropped ZERO = new Dropped("pod shop/api-1", Dropped.Cause.ZERO_WORKING_SET,
      "container_memory_working_set_bytes{container=\"api\"} is 0");
  private static final Dropped NAN = new Dropped("pod shop/api-1", Dropped.Cause.UNUSABLE_VALUE,
      "container_cpu_usage_seconds_total{container=\"api\"} is NaN");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final DroppedUsage dropped = new DroppedUsage(registry, now::get);
  private final Logger logger = (Logger) LoggerFactory.getLogger(DroppedUsage.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private double count(Dropped.Cause cause) {
    return registry.get("pulse.kubelet.dropped").tag("cause", cause.label()).counter().count();
  }

  @Test
  void eachPodIsLoggedOncePerCauseAtWarnNamingNodePodAndSeriesButCountedEveryScrape() {
    dropped.record("node-1", List.of(ZERO));
    dropped.record("node-1", List.of(ZERO));
    dropped.record("node-1", List.of(ZERO));

    assertThat(logs.list).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      assertThat(e.getFormattedMessage()).isEqualTo("node node-1: pod shop/api-1 left out of the metrics API "
          + "(zero_working_set): container_memory_working_set_bytes{container=\"api\"} is 0; "
          + "logged again only when the cause changes");
    });
    assertThat(count(Dropped.Cause.ZERO_WORKING_SET)).isEqualTo(3);
  }

  @Test
  void aNewCauseIsLoggedAndSoIsTheOldOneWhenItComesBackAfterThePodWasServed() {
    dropped.record("node-1", List.of(ZERO));
    dropped.record("node-1", List.of(NAN));
    dropped.record("node-1", List.of());
    dropped.record("node-1", List.of(NAN));

    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .hasSize(3)
        .satisfies(lines -> {
          assertThat(lines.get(0)).contains("(zero_working_set)");
          assertThat(lines.get(1)).contains("(unusable_value)", "is NaN");
          assertThat(lines.get(2)).contains("(unusable_value)");
        });
    assertThat(count(Dropped.Cause.UNUSABLE_VALUE)).isEqualTo(2);
  }

  @Test
  void aFloodIsCappedPerMinuteAndTheNextLineSaysHowManyWereNotLogged() {
    List<Dropped> everyPod = IntStream.range(0, 100)
        .mapToObj(i -> new Dropped("pod shop/p-" + i, Dropped.Cause.MISSING_SAMPLE, "no container_cpu_usage_seconds_total"))
        .toList();
    dropped.record("node-1", everyPod);

    assertThat(logs.list).hasSize(DroppedUsage.LINES_PER_MINUTE);
    assertThat(count(Dropped.Cause.MISSING_SAMPLE)).isEqualTo(100);

    now.addAndGet(60_000);
    dropped.record("node-2", List.of(ZERO));
    assertThat(logs.list).hasSize(DroppedUsage.LINES_PER_MINUTE + 1);
    assertThat(logs.list.get(DroppedUsage.LINES_PER_MINUTE).getFormattedMessage())
        .startsWith("node node-2: pod shop/api-1")
        .endsWith("(80 more left out before this, not logged: over 20 lines a minute)");
  }

  @Test
  void aNodeNoLongerScrapedIsForgottenSoItsPodsAreLoggedAgainIfItReturns() {
    dropped.record("node-1", List.of(ZERO));
    dropped.retainNodes(Set.of("node-2"));
    dropped.record("node-1", List.of(ZERO));

    assertThat(logs.list).hasSize(2);
  }
}
