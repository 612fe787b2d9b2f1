package dev.pulse.operator.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the generated files: {@code manifests} ({@code config/}: install.yaml and its parts, the
 * Helm chart, the kustomize layout) or {@code bundle}
 * ({@code bundle/}, {@code bundle.Dockerfile}). Run from the operator module by {@code make
 * manifests} and {@code make bundle}; {@link GeneratedFilesTest} fails the build while a checked-in
 * file differs from what this writes.
 */
public final class Generate {

  private Generate() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !(args[0].equals("manifests") || args[0].equals("bundle"))) {
      throw new IllegalArgumentException("usage: Generate manifests|bundle");
    }
    Path repository = Path.of("..");
    if (args[0].equals("manifests")) {
      write(InstallManifests.files(repository));
      write(HelmChart.files(repository));
      write(KustomizeLayout.files(repository));
    } else {
      write(OlmBundle.files(repository));
    }
  }

  private static void write(Map<Path, String> files) throws IOException {
    for (Map.Entry<Path, String> file : files.entrySet()) {
      Files.createDirectories(file.getKey().toAbsolutePath().getParent());
      Files.writeString(file.getKey(), file.getValue());
      System.out.println("wrote " + file.getKey().normalize());
    }
  }
}
