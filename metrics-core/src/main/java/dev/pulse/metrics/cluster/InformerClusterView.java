package dev.pulse.metrics.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Watches Nodes and Running pods through the Kubernetes API. */
public final class InformerClusterView implements ClusterView, AutoCloseable {

  private final SharedIndexInformer<LeanNode> nodes;
  private final SharedIndexInformer<LeanPod> pods;
  private final RunningPodStore podStore = new RunningPodStore();

  /** Lists in pages, as client-go's reflectors do: the first list of 150,000 pods is never one response. */
  private static final long LIST_PAGE = 500;

  /**
   * Registers {@link LeanNode} and {@link LeanPod} as the client's types for v1 Node and Pod: a
   * watch event is decoded by the kind it names, through the client's registry, not by the
   * informer's type, and would otherwise come out as fabric8's Node or Pod.
   */
  public InformerClusterView(KubernetesClient client) {
    client.getKubernetesSerialization().registerKubernetesResource(LeanNode.class);
    client.getKubernetesSerialization().registerKubernetesResource(LeanPod.class);
    this.nodes = client.resources(LeanNode.class).withLimit(LIST_PAGE).runnableInformer(0);
    this.pods = client.resources(LeanPod.class).inAnyNamespace().withField("status.phase", "Running")
        .withLimit(LIST_PAGE).runnableInformer(0);
    this.pods.itemStore(podStore);
  }

  /**
   * Starts both informers and waits for their first list, so nothing is served from an empty
   * view; fails with the API server's error when it cannot be listed.
   */
  public void start(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture.allOf(nodes.start().toCompletableFuture(), pods.start().toCompletableFuture())
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public List<LeanNode> nodes() {
    return nodes.getStore().list();
  }

  @Override
  public Optional<LeanNode> node(String name) {
    return Optional.ofNullable(nodes.getStore().getByKey(name));
  }

  @Override
  public List<PodMeta> runningPods(String namespace) {
    return podStore.list(namespace);
  }

  @Override
  public Optional<PodMeta> runningPod(String namespace, String name) {
    return podStore.find(namespace, name);
  }

  @Override
  public void close() {
    nodes.close();
    pods.close();
  }
}
