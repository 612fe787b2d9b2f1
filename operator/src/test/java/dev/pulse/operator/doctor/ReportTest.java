package dev.pulse.operator.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulse.operator.doctor.Reading.Forbidden;
import dev.pulse.operator.doctor.Reading.Found;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void theTextSaysEachCheckItsResultAndTheVerdict() {
    String text = Report.text(DiagnosisTest.SERVER, Diagnosis.checks(DiagnosisTest.healthyPulse()));
    assertThat(text).startsWith("kubectl pulse doctor: https://127.0.0.1:6443\n")
        .contains("PASS      APIService v1beta1.metrics.k8s.io  metrics.k8s.io is registered, served by Pulse")
        .contains("PASS      kubectl top nodes")
        .endsWith("kubectl top should work.\n")
        .doesNotContain("fix:", "BEGIN CERTIFICATE", "Not run");
  }

  @Test
  void aFailureShowsItsFixAndTheVerdictNamesIt() {
    List<Check> checks = Diagnosis.checks(new Findings(DiagnosisTest.SERVER, new Found<>("{}"),
        new Reading.Absent<>(), new Found<>(DiagnosisTest.AUTHENTICATION), new Reading.Absent<>(),
        new Forbidden<>("nodes is forbidden"), new Reading.Absent<>()));
    String text = Report.text(DiagnosisTest.SERVER, checks);
    assertThat(text).contains("FAIL      APIService v1beta1.metrics.k8s.io  No APIService",
        "\n          fix: Install Pulse: kubectl apply -f config/install.yaml",
        "SKIPPED   Nodes Ready", "Not permitted: nodes is forbidden")
        .contains("kubectl top will not work: APIService v1beta1.metrics.k8s.io, kubectl top nodes failed.\n")
        .endsWith("Not run for lack of permission: Nodes Ready.\n");
  }

  @Test
  void kubeletsNotScrapedAloneLeaveKubectlTopWorkingWithoutTheirNodes() throws Exception {
    List<Check> checks = Diagnosis.checks(DiagnosisTest.failingOneNode());
    assertThat(Report.text(DiagnosisTest.SERVER, checks)).contains("FAIL      Nodes scraped")
        .endsWith("\nkubectl top works, but shows <unknown> for the nodes that are not scraped and leaves out their"
            + " pods.\n")
        .doesNotContain("will not work");
    JsonNode json = new ObjectMapper().readTree(Report.json(DiagnosisTest.SERVER, checks));
    assertThat(json.path("kubectlTopShouldWork").asBoolean()).isFalse();
    assertThat(json.path("kubectlTopWorksPartly").asBoolean()).isTrue();
  }

  @Test
  void theJsonIsForScripts() throws Exception {
    JsonNode json = new ObjectMapper().readTree(Report.json(DiagnosisTest.SERVER,
        Diagnosis.checks(DiagnosisTest.healthyPulse())));
    assertThat(json.path("server").asText()).isEqualTo(DiagnosisTest.SERVER);
    assertThat(json.path("kubectlTopShouldWork").asBoolean()).isTrue();
    assertThat(json.path("kubectlTopWorksPartly").asBoolean()).isFalse();
    assertThat(json.path("checks")).hasSize(8);
    JsonNode first = json.path("checks").get(0);
    assertThat(first.path("id").asText()).isEqualTo("cluster");
    assertThat(first.path("result").asText()).isEqualTo("pass");
    assertThat(first.has("summary") && first.has("fix") && first.has("title")).isTrue();
  }
}
