package dev.pulse.operator.testing;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.api.MetricsPipelineSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.function.Consumer;

/** MetricsPipelines as a test needs them. */
public final class Pipelines {

  private Pipelines() {}

  /** A pipeline named {@code cluster} at generation 1 with the default spec. */
  public static MetricsPipeline pipeline() {
    return pipeline(spec -> { });
  }

  public static MetricsPipeline pipeline(Consumer<MetricsPipelineSpec> edit) {
    MetricsPipeline pipeline = new MetricsPipeline();
    pipeline.setMetadata(new ObjectMetaBuilder().withName("cluster").withGeneration(1L).withUid("uid-1").build());
    edit.accept(pipeline.getSpec());
    return pipeline;
  }
}
