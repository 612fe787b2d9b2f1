package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** What the aggregator needs before any node: the intercept of the measured line. */
public final class AutoSizeBase implements AutoSizeQuantities {

  static final String DEFAULT_CPU = "50m";
  static final String DEFAULT_MEMORY = "180Mi";
  static final String DEFAULT_MEMORY_LIMIT = "264Mi";

  @Default(DEFAULT_CPU)
  @Size(max = 32)
  @Pattern(AutoSizeQuantities.QUANTITY)
  @JsonPropertyDescription("CPU request with no node (a quantity: 50m). Measured: 7m on average with 3 nodes; the rest is room for API requests and the JIT compiler. Default: " + DEFAULT_CPU + ".")
  private String cpu;

  @Default(DEFAULT_MEMORY)
  @Size(max = 32)
  @Pattern(AutoSizeQuantities.QUANTITY)
  @JsonPropertyDescription("Memory request with no node (a quantity: 180Mi). Measured with 3 nodes: 137-149Mi resident (184Mi before the aggregator ran on the client compiler alone), so it leaves room. Default: " + DEFAULT_MEMORY + ".")
  private String memory;

  @Default(DEFAULT_MEMORY_LIMIT)
  @Size(max = 32)
  @Pattern(AutoSizeQuantities.QUANTITY)
  @JsonPropertyDescription("Memory limit with no node; it also sizes the JVM heap (75% of it), and is never below the memory request. Default: " + DEFAULT_MEMORY_LIMIT + ".")
  private String memoryLimit;

  @Override
  public String getCpu() {
    return Objects.requireNonNullElse(cpu, DEFAULT_CPU);
  }

  public void setCpu(String cpu) {
    this.cpu = cpu;
  }

  @Override
  public String getMemory() {
    return Objects.requireNonNullElse(memory, DEFAULT_MEMORY);
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  @Override
  public String getMemoryLimit() {
    return Objects.requireNonNullElse(memoryLimit, DEFAULT_MEMORY_LIMIT);
  }

  public void setMemoryLimit(String memoryLimit) {
    this.memoryLimit = memoryLimit;
  }
}
