package dev.pulse.metrics.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelValuesTest {

  private final LabelValues names = new LabelValues();

  /** {@code value}, as it would sit in a kubelet's body: surrounded by other bytes. */
  private String of(String value) {
    byte[] body = ("{pod=\"" + value + "\"}").getBytes(StandardCharsets.UTF_8);
    return names.of(body, 6, body.length - 2);
  }

  @Test
  void theSameNameIsTheSameInstanceWithinAReportAndInTheNext() {
    names.nextReport();
    String first = of("coredns-5d78c9869d-x7k2p");
    assertThat(of("coredns-5d78c9869d-x7k2p")).isSameAs(first);
    names.nextReport();
    assertThat(of("coredns-5d78c9869d-x7k2p")).isSameAs(first).isEqualTo("coredns-5d78c9869d-x7k2p");
  }

  @Test
  void aNameAReportLeftOutIsForgottenAfterTheNext() {
    names.nextReport();
    String gone = of("web-0");
    names.nextReport();
    of("web-1");
    names.nextReport();
    assertThat(of("web-0")).isEqualTo("web-0").isNotSameAs(gone);
  }

  @Test
  void namesWithTheSameHashStayApart() {
    names.nextReport();
    String aa = of("Aa");
    String bb = of("BB");
    assertThat(aa.hashCode()).isEqualTo(bb.hashCode());
    assertThat(aa).isEqualTo("Aa");
    assertThat(bb).isEqualTo("BB");
    assertThat(of("Aa")).isSameAs(aa);
    assertThat(of("BB")).isSameAs(bb);
  }

  @Test
  void aNodeWithHundredsOfPodsKeepsEveryName() {
    names.nextReport();
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      first.add(of("pod-" + i));
    }
    names.nextReport();
    for (int i = 0; i < 500; i++) {
      assertThat(of("pod-" + i)).as("pod-%d", i).isSameAs(first.get(i));
    }
  }

  @Test
  void aNameBeyondAsciiIsDecodedAsUtf8() {
    names.nextReport();
    assertThat(of("späť")).isEqualTo("späť");
    assertThat(of("")).isEmpty();
  }
}
