package dev.pulse.operator.install;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kustomize layout kubebuilder and operator-sdk projects have ({@code config/crd},
 * {@code config/rbac}, {@code config/manager}, and {@code config/default} that puts them
 * together), holding the objects of {@code config/install.yaml}: {@code kubectl kustomize
 * config/default} builds exactly those (HelmChartE2E compares). Each base holds its own copy,
 * because kustomize loads no file outside a kustomization's directory.
 */
final class KustomizeLayout {

  private KustomizeLayout() {}

  /** The layout's files, relative to the repository, with their content. */
  static Map<Path, String> files(Path repository) throws IOException {
    Path config = repository.resolve("config");
    Map<Path, String> files = new LinkedHashMap<>();
    String crd = "bases/pulse.dev_metricspipelines.yaml";
    files.put(config.resolve("crd").resolve(crd),
        InstallManifests.HEADER + InstallManifests.withoutComments(Files.readString(InstallManifests.CRD)));
    files.put(config.resolve("crd/kustomization.yaml"), kustomization(List.of(crd)));

    Map<String, HasMetadata> rbac = new LinkedHashMap<>();
    rbac.put("service_account.yaml", InstallManifests.serviceAccount());
    rbac.put("role.yaml", InstallManifests.clusterRole());
    rbac.put("role_binding.yaml", InstallManifests.clusterRoleBinding());
    rbac.put("aggregator_role.yaml", InstallManifests.aggregatorNamespaceRole());
    rbac.put("aggregator_role_binding.yaml", InstallManifests.aggregatorNamespaceRoleBinding());
    rbac.put("leader_election_role.yaml", InstallManifests.leaderElectionRole());
    rbac.put("leader_election_role_binding.yaml", InstallManifests.leaderElectionRoleBinding());
    rbac.forEach((file, object) -> files.put(config.resolve("rbac").resolve(file), InstallManifests.yaml(List.of(object))));
    files.put(config.resolve("rbac/kustomization.yaml"), kustomization(List.copyOf(rbac.keySet())));

    files.put(config.resolve("manager/namespace.yaml"), InstallManifests.yaml(InstallManifests.namespaces()));
    files.put(config.resolve("manager/manager.yaml"), InstallManifests.yaml(List.of(InstallManifests.deployment())));
    files.put(config.resolve("manager/kustomization.yaml"), kustomization(List.of("namespace.yaml", "manager.yaml")));

    files.put(config.resolve("default/kustomization.yaml"), kustomization(List.of("../crd", "../rbac", "../manager")));
    return files;
  }

  private static String kustomization(List<String> resources) {
    StringBuilder yaml = new StringBuilder(InstallManifests.HEADER)
        .append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
    resources.forEach(resource -> yaml.append("- ").append(resource).append('\n'));
    return yaml.toString();
  }
}
