package dev.pulse.metrics.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.metrics.scrape.KubeletEndpoint;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The informers' types decoded from what a v1.33 API server sent for a kwok node and a running
 * pod (src/test/resources/cluster), through fabric8's serialization as the client uses it: on
 * their own, as list items and as watch events.
 */
class LeanTypesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private static ObjectNode resource(String name) throws IOException {
    try (InputStream in = LeanTypesTest.class.getResourceAsStream("/cluster/" + name)) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  /** {@code object} with fields no API version has: at the top, in metadata, in status and in a status list's item. */
  private static String withUnknownFields(ObjectNode object, String listInStatus) {
    object.putObject("futureTopLevel").put("x", 1);
    ((ObjectNode) object.get("metadata")).putArray("futureMeta").add("y");
    ObjectNode status = (ObjectNode) object.get("status");
    status.put("futureStatus", true);
    ((ObjectNode) status.get(listInStatus).get(0)).putObject("futureItem").put("z", "z");
    return object.toString();
  }

  @Test
  void aNodeKeepsWhatTheScraperAndTheApiReadAndDropsManagedFields() throws Exception {
    ObjectNode json = resource("node-kwok.json");
    assertThat(json.at("/metadata/managedFields").size()).isPositive();

    LeanNode node = serialization.unmarshal(json.toString(), LeanNode.class);

    assertThat(node.getMetadata().getName()).isEqualTo("pulse-node-1");
    assertThat(node.getMetadata().getLabels()).containsEntry("type", "kwok")
        .containsEntry("kubernetes.io/hostname", "pulse-node-1");
    assertThat(node.getMetadata().getAnnotations())
        .containsEntry(KubeletEndpoint.PATH_ANNOTATION, "/metrics/nodes/pulse-node-1/metrics/resource");
    assertThat(node.getMetadata().getResourceVersion()).isEqualTo(json.at("/metadata/resourceVersion").asText());
    assertThat(node.getMetadata().getManagedFields()).isEmpty();
    assertThat(node.getStatus().addresses()).containsExactly(
        new LeanNode.Address("InternalIP", "127.0.0.1"), new LeanNode.Address("Hostname", "localhost"));
    assertThat(node.getStatus().daemonEndpoints().kubeletEndpoint().port()).isEqualTo(21250);
    assertThat(node.getStatus().conditions()).contains(new LeanNode.Condition("Ready", "True", "KubeletReady"));
  }

  @Test
  void aRunningPodKeepsItsIdentityLabelsAndPhaseAndDropsManagedFields() throws Exception {
    ObjectNode json = resource("pod-running.json");
    assertThat(json.at("/metadata/managedFields").size()).isPositive();

    LeanPod pod = serialization.unmarshal(json.toString(), LeanPod.class);

    assertThat(pod.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(pod.getMetadata().getName()).isEqualTo("api-5d4498b7d6-vzx6n");
    assertThat(pod.getMetadata().getUid()).isEqualTo("0dcdc0a5-e973-48e7-9422-944b455cfa3a");
    assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("338");
    assertThat(pod.getMetadata().getLabels()).containsOnly(
        Map.entry("app", "api"), Map.entry("pod-template-hash", "5d4498b7d6"));
    assertThat(pod.getMetadata().getManagedFields()).isEmpty();
    assertThat(pod.phase()).isEqualTo("Running");
  }

  @Test
  void fieldsNoApiVersionHasAreSkipped() throws Exception {
    LeanNode node = serialization.unmarshal(withUnknownFields(resource("node-kwok.json"), "addresses"), LeanNode.class);
    LeanPod pod = serialization.unmarshal(withUnknownFields(resource("pod-running.json"), "conditions"), LeanPod.class);

    assertThat(node.getStatus().addresses()).first().isEqualTo(new LeanNode.Address("InternalIP", "127.0.0.1"));
    assertThat(pod.getMetadata().getName()).isEqualTo("api-5d4498b7d6-vzx6n");
    assertThat(pod.phase()).isEqualTo("Running");
  }

  @Test
  void aNodeWithoutStatusHasNoAddressNoPortAndNoCondition() {
    LeanNode node = serialization.unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"bare\"}}",
        LeanNode.class);

    assertThat(node.getStatus().addresses()).isEmpty();
    assertThat(node.getStatus().daemonEndpoints().kubeletEndpoint()).isNull();
    assertThat(node.getStatus().conditions()).isEmpty();
  }

  @Test
  void listItemsDecodeAsTheLeanTypesThoughTheyNameNoKind() throws Exception {
    ObjectNode item = resource("pod-running.json");
    item.remove("kind");
    item.remove("apiVersion");
    String list = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"c\"},"
        + "\"items\":[" + item + "]}";
    // What fabric8's list operation asks for when the resource class has no list class of its own.
    Type listType = serialization.constructParametricType(DefaultKubernetesResourceList.class, LeanPod.class);

    KubernetesResourceList<LeanPod> decoded = serialization.unmarshal(
        new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)), new TypeReference<>() {
          @Override
          public Type getType() {
            return listType;
          }
        });

    assertThat(decoded.getMetadata().getContinue()).isEqualTo("c");
    assertThat(decoded.getItems()).singleElement().isInstanceOfSatisfying(LeanPod.class,
        p -> assertThat(p.phase()).isEqualTo("Running"));
  }

  @Test
  void watchEventsDecodeAsTheLeanTypesOnceRegisteredForTheirKind() throws Exception {
    String podEvent = "{\"type\":\"MODIFIED\",\"object\":" + resource("pod-running.json") + "}";
    String nodeEvent = "{\"type\":\"ADDED\",\"object\":" + resource("node-kwok.json") + "}";
    String bookmark = "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
        + "\"metadata\":{\"resourceVersion\":\"77\"}}}";
    // An event's object is decoded by the kind it names, whatever type the informer watches.
    assertThat(serialization.unmarshal(podEvent, WatchEvent.class).getObject()).isInstanceOf(Pod.class);

    serialization.registerKubernetesResource(LeanNode.class);
    serialization.registerKubernetesResource(LeanPod.class);

    assertThat(serialization.unmarshal(podEvent, WatchEvent.class).getObject()).isInstanceOfSatisfying(LeanPod.class,
        p -> assertThat(p.phase()).isEqualTo("Running"));
    assertThat(serialization.unmarshal(nodeEvent, WatchEvent.class).getObject()).isInstanceOfSatisfying(LeanNode.class,
        n -> assertThat(n.getStatus().addresses()).hasSize(2));
    assertThat(serialization.unmarshal(bookmark, WatchEvent.class).getObject()).isInstanceOfSatisfying(LeanPod.class,
        p -> assertThat(p.getMetadata().getResourceVersion()).isEqualTo("77"));
  }
}
