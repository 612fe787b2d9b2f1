package dev.pulse.metrics.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The health endpoints as the API server's healthz package renders them, whole and check by check. */
class HealthTest {

  private String storage = null;

  private final Health readyz = new Health("readyz")
      .add("ping", () -> null)
      .add("metric-storage-ready", () -> storage);

  @Test
  void rendersTheWholeEndpoint() {
    assertThat(readyz.evaluate(false)).isEqualTo(new Health.Result(200, "ok", true));
    assertThat(readyz.evaluate(true)).isEqualTo(new Health.Result(200,
        "[+]ping ok\n[+]metric-storage-ready ok\nreadyz check passed\n", true));

    storage = "no metrics to serve yet";
    assertThat(readyz.evaluate(false)).isEqualTo(new Health.Result(500,
        "[+]ping ok\n[-]metric-storage-ready failed: no metrics to serve yet\nreadyz check failed\n", true));
  }

  /** {@code /readyz/ping} as metrics-server answers it: "ok" without nosniff; a failure through http.Error. */
  @Test
  void answersEachCheckAlone() {
    assertThat(readyz.evaluate("ping")).contains(new Health.Result(200, "ok", false));
    assertThat(readyz.evaluate("metric-storage-ready")).contains(new Health.Result(200, "ok", false));

    storage = "no metrics to serve yet";
    assertThat(readyz.evaluate("metric-storage-ready")).contains(new Health.Result(500,
        "internal server error: no metrics to serve yet\n", true));
    assertThat(readyz.evaluate("ping")).contains(new Health.Result(200, "ok", false));
  }

  @Test
  void hasNoChecksButItsOwn() {
    assertThat(readyz.evaluate("nope")).isEmpty();
    assertThat(readyz.evaluate("")).isEmpty();
    assertThat(readyz.evaluate("ping/")).isEmpty();
    assertThat(readyz.checkNames()).containsExactly("ping", "metric-storage-ready");
    assertThat(readyz.endpoint()).isEqualTo("readyz");
  }
}
