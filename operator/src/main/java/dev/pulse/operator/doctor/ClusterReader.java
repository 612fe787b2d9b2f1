package dev.pulse.operator.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.doctor.Reading.Absent;
import dev.pulse.operator.doctor.Reading.Failed;
import dev.pulse.operator.doctor.Reading.Forbidden;
import dev.pulse.operator.doctor.Reading.Found;
import dev.pulse.operator.model.Names;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.StreamSupport;

/**
 * The doctor's only I/O: one plain GET per finding with the kubeconfig's identity, no informer,
 * no write. A refusal is recorded as such, so that a check says it could not run.
 */
final class ClusterReader {

  private static final long TIMEOUT_SECONDS = 10;
  private static final int QUOTED_CHARS = 300;

  private final KubernetesClient client;
  private final String server;

  ClusterReader(KubernetesClient client) {
    this.client = client;
    this.server = client.getConfiguration().getMasterUrl().replaceAll("/+$", "");
  }

  Findings read() {
    KubernetesSerialization json = client.getKubernetesSerialization();
    Reading<String> version = get("/version");
    if (!(version instanceof Found)) {
      return new Findings(server, version, new Absent<>(), new Absent<>(), new Absent<>(), new Absent<>(),
          new Absent<>());
    }
    return new Findings(server, version,
        get("/apis/apiregistration.k8s.io/v1/apiservices/" + Names.API_SERVICE)
            .map(body -> json.unmarshal(body, APIService.class)),
        get("/api/v1/namespaces/" + Names.KUBE_SYSTEM + "/configmaps/" + Names.AUTHENTICATION_CONFIG_MAP)
            .map(body -> Objects.requireNonNullElse(json.unmarshal(body, ConfigMap.class).getData(),
                Map.<String, String>of())),
        get("/apis/" + MetricsPipeline.GROUP + "/" + MetricsPipeline.VERSION + "/metricspipelines")
            .map(body -> items(json, body).stream().map(item -> json.convertValue(item, MetricsPipeline.class))
                .toList()),
        get("/api/v1/nodes").map(body -> json.unmarshal(body, NodeList.class).getItems()),
        get(Diagnosis.METRICS_PATH).map(body -> items(json, body).size()));
  }

  private static List<JsonNode> items(KubernetesSerialization json, String body) {
    JsonNode items = json.unmarshal(body, JsonNode.class).path("items");
    return StreamSupport.stream(items.spliterator(), false).toList();
  }

  private Reading<String> get(String path) {
    HttpClient http = client.getHttpClient();
    HttpRequest request = http.newHttpRequestBuilder().uri(server + path).header("Accept", "application/json").build();
    try {
      HttpResponse<String> response = http.sendAsync(request, String.class).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return switch (response.code()) {
        case 200 -> new Found<>(response.body());
        case 404 -> new Absent<>();
        case 401, 403 -> new Forbidden<>(message(response));
        default -> new Failed<>(response.code() + " " + message(response));
      };
    } catch (ExecutionException e) {
      return new Failed<>(String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      return new Failed<>("no answer in " + TIMEOUT_SECONDS + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failed<>("interrupted");
    }
  }

  /** kube-apiserver's Status message when it sent one; otherwise the start of the body. */
  private String message(HttpResponse<String> response) {
    String body = Objects.requireNonNullElse(response.body(), "");
    try {
      JsonNode status = client.getKubernetesSerialization().unmarshal(body, JsonNode.class);
      if (status != null && status.hasNonNull("message")) {
        return status.get("message").asText();
      }
    } catch (RuntimeException e) {
      // Not JSON: a proxy's or a server's own page, quoted below.
    }
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() > QUOTED_CHARS ? flat.substring(0, QUOTED_CHARS) + "..." : flat;
  }
}
