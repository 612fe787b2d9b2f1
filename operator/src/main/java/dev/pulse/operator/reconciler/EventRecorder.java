package dev.pulse.operator.reconciler;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.status.Transitions.Note;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about a MetricsPipeline, the kind {@code kubectl describe} shows. A
 * cluster-scoped object's Events live in {@code default}, as Nodes' do. An Event that cannot be
 * written is logged and forgotten: the status already says the same, and reconciling matters more.
 */
final class EventRecorder {

  static final String EVENT_NAMESPACE = "default";
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final String instance;

  /** @param instance who reports, e.g. the pod name: one of several operator replicas */
  EventRecorder(String instance) {
    this.instance = instance;
  }

  void record(KubernetesClient client, MetricsPipeline pipeline, Note note, Instant now) {
    String time = now.toString();
    String name = pipeline.getMetadata().getName();
    try {
      client.v1().events().inNamespace(EVENT_NAMESPACE).resource(new EventBuilder()
          .withNewMetadata()
          // <object>.<unique suffix>, like Kubernetes' own; the API server picks the suffix.
          .withGenerateName(name + ".")
          .withNamespace(EVENT_NAMESPACE)
          .endMetadata()
          .withNewInvolvedObject()
          .withApiVersion(pipeline.getApiVersion())
          .withKind(pipeline.getKind())
          .withName(name)
          .withUid(pipeline.getMetadata().getUid())
          .withResourceVersion(pipeline.getMetadata().getResourceVersion())
          .endInvolvedObject()
          .withType(note.type())
          .withReason(note.reason())
          .withMessage(note.message())
          .withFirstTimestamp(time)
          .withLastTimestamp(time)
          .withEventTime(new MicroTime(MICRO_TIME.format(now)))
          .withCount(1)
          .withAction("Reconcile")
          .withNewSource().withComponent(Names.MANAGED_BY).endSource()
          .withReportingComponent(Names.MANAGED_BY)
          .withReportingInstance(instance)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.warn("MetricsPipeline {}: could not record the event {} {}: {}", name, note.type(), note.reason(),
          e.getMessage());
    }
  }
}
