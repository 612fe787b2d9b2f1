package dev.pulse.operator.testing;

import dev.pulse.operator.model.Names;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** What kube-controller-manager would write, for the mock API server, which runs no controllers. */
public final class DeploymentController {

  private DeploymentController() {}

  /** The aggregator's Deployment with {@code replicas} pods ready: their readiness probes passed. */
  public static void podsReady(KubernetesClient client, String namespace, int replicas) {
    client.resources(Deployment.class).inNamespace(namespace).withName(Names.DEPLOYMENT).editStatus(deployment -> {
      deployment.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withUpdatedReplicas(replicas)
          .withReadyReplicas(replicas).withAvailableReplicas(replicas).build());
      return deployment;
    });
  }
}
