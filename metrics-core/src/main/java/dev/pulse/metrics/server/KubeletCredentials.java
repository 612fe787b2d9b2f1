package dev.pulse.metrics.server;

import dev.pulse.metrics.config.AggregatorOptions;
import dev.pulse.metrics.scrape.KubeletClient;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Derives kubelet credentials from the flags and the API client's configuration, the way
 * metrics-server does: trust the cluster CA and present the same identity as to the API server.
 */
final class KubeletCredentials {

  private static final Path SERVICE_ACCOUNT_TOKEN = Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);
  /** Bound service-account tokens rotate; re-reading them this often keeps one valid. */
  private static final Duration TOKEN_REFRESH = Duration.ofMinutes(1);

  private KubeletCredentials() {}

  static KubeletClient.Credentials from(AggregatorOptions options, Config config, boolean inCluster)
      throws IOException, StartupException {
    String ca = null;
    if (!options.kubeletInsecureTls) {
      if (options.kubeletCertificateAuthority != null) {
        ca = Files.readString(options.kubeletCertificateAuthority);
      } else {
        ca = pem(config.getCaCertData(), config.getCaCertFile());
      }
      if (ca == null) {
        throw new StartupException("no CA to verify kubelet serving certificates: the client configuration has none;"
            + " give --kubelet-certificate-authority (or, for test clusters only, --kubelet-insecure-tls)");
      }
    }
    String cert;
    String key;
    if (options.kubeletClientCertificate != null) {
      cert = Files.readString(options.kubeletClientCertificate);
      key = Files.readString(options.kubeletClientKey);
    } else {
      cert = pem(config.getClientCertData(), config.getClientCertFile());
      key = cert == null ? null : pem(config.getClientKeyData(), config.getClientKeyFile());
    }
    Supplier<String> token = inCluster && Files.isReadable(SERVICE_ACCOUNT_TOKEN)
        ? rereading(SERVICE_ACCOUNT_TOKEN) : staticToken(config.getOauthToken());
    return new KubeletClient.Credentials(ca, options.kubeletInsecureTls, cert, cert == null ? null : key, token);
  }

  /** Kubeconfig data fields are base64 PEM; file fields name a PEM file. */
  private static String pem(String data, String file) throws IOException {
    if (data != null && !data.isEmpty()) {
      return new String(Base64.getDecoder().decode(data.trim()), StandardCharsets.UTF_8);
    }
    if (file != null && !file.isEmpty()) {
      return Files.readString(Path.of(file));
    }
    return null;
  }

  private static Supplier<String> staticToken(String token) {
    return token == null || token.isEmpty() ? null : () -> token;
  }

  private static Supplier<String> rereading(Path file) {
    return new Supplier<>() {
      private String token;
      private Instant readAt = Instant.MIN;

      @Override
      public synchronized String get() {
        if (Instant.now().isAfter(readAt.plus(TOKEN_REFRESH))) {
          try {
            token = Files.readString(file).trim();
            readAt = Instant.now();
          } catch (IOException e) {
            // Keep the last token: a rotation in progress is no reason to stop scraping.
          }
        }
        return token;
      }
    };
  }
}
