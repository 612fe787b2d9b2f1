package dev.pulse.metrics.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {

  @Test
  void logbackFindsTheConfiguratorInsteadOfAnXmlFile() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

    assertThat(root.getAppender("stderr")).isInstanceOf(ConsoleAppender.class);
    assertThat(context.getLogger("io.fabric8").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(s -> s.getMessage().contains("logback.xml"));
  }

  @Test
  void textIsOneLinePerEventWithUtcTimeLevelAndLoggerName() {
    String line = render(Map.of(), Level.WARN, "dev.pulse.metrics.scrape.Scraper", "node {} failed", "kwok-1");

    assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  Scraper: node kwok-1 failed\\R");
  }

  @Test
  void jsonIsOneObjectPerEventWithTheFormattedMessageOnly() throws Exception {
    String line = render(Map.of(LogConfigurator.FORMAT, "json"), Level.INFO, "dev.pulse.metrics.Main",
        "pipeline {} ready", "default");

    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.path("loggerName").asText()).isEqualTo("dev.pulse.metrics.Main");
    assertThat(json.path("formattedMessage").asText()).isEqualTo("pipeline default ready");
    assertThat(json.has("message")).isFalse();
    assertThat(json.has("arguments")).isFalse();
    assertThat(json.has("context")).isFalse();
  }

  @Test
  void theLevelComesFromTheEnvironmentAndDefaultsToInfo() {
    assertThat(rootLevel(Map.of())).isEqualTo(Level.INFO);
    assertThat(rootLevel(Map.of(LogConfigurator.LEVEL, "DEBUG"))).isEqualTo(Level.DEBUG);
    assertThat(rootLevel(Map.of(LogConfigurator.LEVEL, "loud"))).isEqualTo(Level.INFO);
  }

  @Test
  void librariesLogWarningsOnly() {
    LoggerContext context = configured(Map.of(LogConfigurator.LEVEL, "DEBUG"));

    assertThat(context.getLogger("io.fabric8.kubernetes.client.informers.impl.cache.Reflector")
        .isInfoEnabled()).isFalse();
    assertThat(context.getLogger("io.netty.handler.ssl.SslHandler").isWarnEnabled()).isTrue();
    assertThat(context.getLogger("io.vertx.core.impl.BlockedThreadChecker").isInfoEnabled()).isFalse();
    assertThat(context.getLogger("dev.pulse.metrics.scrape.Scraper").isDebugEnabled()).isTrue();
  }

  private static Level rootLevel(Map<String, String> env) {
    return configured(env).getLogger(Logger.ROOT_LOGGER_NAME).getLevel();
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
    assertThat(context.getStatusManager().getCopyOfStatusList()).as("logback's warnings and errors")
        .filteredOn(s -> s.getLevel() > Status.INFO).isEmpty();
    return context;
  }

  /** One event through the configured appender's encoder: the bytes it writes to stderr. */
  private static String render(Map<String, String> env, Level level, String logger, String message, Object argument) {
    LoggerContext context = configured(env);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> stderr =
        (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("stderr");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger(logger), level, message, null,
        new Object[] {argument});
    return new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
  }
}
