package dev.pulse.metrics.auth;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link AuthenticationConfig}: kube-apiserver's ConfigMap, watched so that a CA
 * rotation takes effect without a restart, with the keys the flags set overridden.
 */
final class AuthenticationSource implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuthenticationSource.class);

  /** Flag values; a null field leaves the ConfigMap's value in place. */
  record Overrides(List<X509Certificate> requestHeaderCa, List<String> allowedNames, List<String> usernameHeaders,
      List<String> uidHeaders, List<String> groupHeaders, List<String> extraHeaderPrefixes,
      List<X509Certificate> clientCa) {

    AuthenticationConfig applyTo(AuthenticationConfig c) {
      return new AuthenticationConfig(
          or(requestHeaderCa, c.requestHeaderCa()), or(allowedNames, c.allowedNames()),
          or(usernameHeaders, c.usernameHeaders()), or(uidHeaders, c.uidHeaders()),
          or(groupHeaders, c.groupHeaders()), or(extraHeaderPrefixes, c.extraHeaderPrefixes()),
          or(clientCa, c.clientCa()));
    }

    private static <T> List<T> or(List<T> flag, List<T> fromConfigMap) {
      return flag != null ? flag : fromConfigMap;
    }
  }

  private final Overrides overrides;
  private final AtomicReference<AuthenticationConfig> current = new AtomicReference<>();
  private final SharedIndexInformer<ConfigMap> informer;

  /**
   * Starts watching; returns once the ConfigMap was listed.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when it cannot be listed
   */
  AuthenticationSource(KubernetesClient client, Overrides overrides) {
    this.overrides = overrides;
    current.set(overrides.applyTo(AuthenticationConfig.fromConfigMap(null)));
    this.informer = client.configMaps().inNamespace(AuthenticationConfig.CONFIG_MAP_NAMESPACE)
        .withName(AuthenticationConfig.CONFIG_MAP_NAME)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            update(cm);
          }

          @Override
          public void onUpdate(ConfigMap old, ConfigMap cm) {
            update(cm);
          }

          @Override
          public void onDelete(ConfigMap cm, boolean unknownFinalState) {
            LOG.warn("{}/{} was deleted; keeping the last authentication settings", cm.getMetadata().getNamespace(),
                cm.getMetadata().getName());
          }
        });
    if (informer.getStore().list().isEmpty()) {
      LOG.warn("{}/{} does not exist: requests proxied by the aggregation layer cannot be authenticated"
          + " (is kube-apiserver started with --requestheader-client-ca-file?)",
          AuthenticationConfig.CONFIG_MAP_NAMESPACE, AuthenticationConfig.CONFIG_MAP_NAME);
    }
  }

  AuthenticationConfig current() {
    return current.get();
  }

  private void update(ConfigMap cm) {
    try {
      AuthenticationConfig next = overrides.applyTo(AuthenticationConfig.fromConfigMap(cm.getData()));
      current.set(next);
      LOG.info("authentication settings loaded from {}/{}: {} front-proxy CA(s), allowed names {}, {} client CA(s)",
          AuthenticationConfig.CONFIG_MAP_NAMESPACE, AuthenticationConfig.CONFIG_MAP_NAME,
          next.requestHeaderCa().size(), next.allowedNames(), next.clientCa().size());
    } catch (IllegalArgumentException e) {
      LOG.error("{}/{} is unusable, keeping the last authentication settings: {}",
          AuthenticationConfig.CONFIG_MAP_NAMESPACE, AuthenticationConfig.CONFIG_MAP_NAME, e.getMessage());
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
