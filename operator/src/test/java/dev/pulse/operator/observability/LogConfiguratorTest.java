package dev.pulse.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {

  @Test
  void logbackRunsTheOperatorsConfigurator() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("stderr")).isInstanceOf(ConsoleAppender.class);
    assertThat(context.getLogger("io.fabric8.kubernetes.client.jdkhttp.JdkWebSocketImpl").getLevel())
        .isEqualTo(Level.ERROR);
  }

  @Test
  void textIsOneLinePerEventWithUtcTimeLevelAndLoggerName() {
    String line = render(Map.of(), Level.WARN, "dev.pulse.operator.reconciler.MetricsPipelineReconciler");

    assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  MetricsPipelineReconciler:"
        + " pipeline default ready\\R");
  }

  @Test
  void jsonIsOneObjectPerEventWithTheFormattedMessage() throws Exception {
    JsonNode json = new ObjectMapper().readTree(render(Map.of(LogConfigurator.FORMAT, "json"), Level.INFO,
        "dev.pulse.operator.OperatorMain"));

    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.path("loggerName").asText()).isEqualTo("dev.pulse.operator.OperatorMain");
    assertThat(json.path("formattedMessage").asText()).isEqualTo("pipeline default ready");
    assertThat(json.has("arguments")).isFalse();
  }

  @Test
  void theLevelComesFromTheEnvironmentAndFabric8LogsWarningsOnly() {
    LoggerContext context = configured(Map.of(LogConfigurator.LEVEL, "DEBUG"));

    assertThat(context.getLogger("dev.pulse.operator.OperatorMain").isDebugEnabled()).isTrue();
    assertThat(context.getLogger("io.fabric8.kubernetes.client.informers.impl.cache.Reflector").isInfoEnabled())
        .isFalse();
    assertThat(configured(Map.of()).getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void mainRefusesAFormatOtherThanTextOrJson() {
    assertThat(LogConfigurator.formatProblem(Map.of())).isNull();
    assertThat(LogConfigurator.formatProblem(Map.of(LogConfigurator.FORMAT, "text"))).isNull();
    assertThat(LogConfigurator.formatProblem(Map.of(LogConfigurator.FORMAT, "json"))).isNull();
    assertThat(LogConfigurator.formatProblem(Map.of(LogConfigurator.FORMAT, "JSON")))
        .isEqualTo("PULSE_LOG_FORMAT=JSON is not text or json");
  }

  private static LoggerContext configured(Map<String, String> env) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    LogConfigurator.configure(context, env);
    return context;
  }

  /** One event through the configured appender's encoder: the bytes it writes to stderr. */
  private static String render(Map<String, String> env, Level level, String logger) {
    LoggerContext context = configured(env);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> stderr =
        (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("stderr");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger(logger), level,
        "pipeline {} ready", null, new Object[] {"default"});
    return new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
  }
}
