package dev.pulse.metrics.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The aggregator's logging, found by logback through its service file: one line per event on
 * stderr, as text or, with {@code PULSE_LOG_FORMAT=json}, as one JSON object (level, logger,
 * message, thread, time); {@code PULSE_LOG_LEVEL} sets the level (INFO). The operator logs the
 * same way (its own LogConfigurator: it does not ship this module).
 *
 * <p>Configured in code rather than in a logback.xml: reading the XML took logback's Joran and the
 * JDK's XML parser, some 330 classes that the JVM kept for nothing after start-up. {@link
 * dev.pulse.metrics.Main} refuses a format other than text or json ({@link #formatProblem}) before anything logs.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_TOP_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  static final String FORMAT = "PULSE_LOG_FORMAT";
  static final String LEVEL = "PULSE_LOG_LEVEL";
  private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}: %msg%n";

  /** Libraries whose INFO lines say nothing a cluster administrator acts on. */
  private static final Map<String, Level> LIBRARY_LEVELS = Map.of(
      "io.fabric8", Level.WARN,
      "io.netty", Level.WARN,
      "io.vertx", Level.WARN);

  /** Why {@code PULSE_LOG_FORMAT} in {@code env} cannot be used, or null. */
  public static String formatProblem(Map<String, String> env) {
    String format = env.get(FORMAT);
    return format == null || format.equals("text") || format.equals("json") ? null
        : FORMAT + "=" + format + " is not text or json";
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    configure(context, System.getenv());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void configure(LoggerContext context, Map<String, String> env) {
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("stderr");
    stderr.setTarget("System.err");
    stderr.setEncoder("json".equals(env.get(FORMAT)) ? json(context) : text(context));
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(env.get(LEVEL), Level.INFO));
    root.addAppender(stderr);
    LIBRARY_LEVELS.forEach((logger, level) -> context.getLogger(logger).setLevel(level));
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithContext(false);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.start();
    return encoder;
  }
}
