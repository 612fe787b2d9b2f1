package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** What each scraped node adds: the slope measured from 3 to 1,003 nodes of 30 pods. */
public final class AutoSizePerNode implements AutoSizeQuantities {

  static final String DEFAULT_CPU = "50u";
  static final String DEFAULT_MEMORY = "225Ki";
  static final String DEFAULT_MEMORY_LIMIT = "256Ki";

  @Default(DEFAULT_CPU)
  @Size(max = 32)
  @Pattern(AutoSizeQuantities.QUANTITY)
  @JsonPropertyDescription("CPU request per node (a quantity: 50u is 0.05m). Measured: 0.05m per node (58m on average at 1,003 nodes). Default: " + DEFAULT_CPU + ".")
  private String cpu;

  @Default(DEFAULT_MEMORY)
  @Size(max = 32)
  @Pattern(AutoSizeQuantities.QUANTITY)
  @JsonPropertyDescription("Memory request per node. Measured: 221Ki resident per node (405Mi at 1,003 nodes). Default: " + DEFAULT_MEMORY + ".")
  private String memory;

  @Default(DEFAULT_MEMORY_LIMIT)
  @Size(max = 32)
  @Pattern(AutoSizeQuantities.QUANTITY)
  @JsonPropertyDescription("Memory limit per node; above the memory slope, so the heap keeps its headroom as the cluster grows (1,000 nodes: 514Mi, where 512Mi was measured to hold). Default: " + DEFAULT_MEMORY_LIMIT + ".")
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
