package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.tls.Pem;
import dev.pulse.operator.tls.ServingCertificate;
import dev.pulse.operator.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/**
 * The aggregator's serving certificate and key, mounted into its pods; the aggregator reloads the
 * files when they change. {@code ca.crt} holds the CA bundle, for clients such as
 * {@code curl --cacert} that talk to the Service directly.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class ServingSecretDependentResource extends CRUDKubernetesDependentResource<Secret, MetricsPipeline> {

  static final String CERTIFICATE = "tls.crt";
  static final String KEY = "tls.key";
  public static final String CA_BUNDLE = "ca.crt";

  @Override
  protected Secret desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline, ReconcileInputs.of(context).tls());
  }

  /** Up to date when it holds the certificate and bundle {@link TlsMaterial#reconcile} settled on. */
  @Override
  public Matcher.Result<Secret> match(Secret actual, MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    TlsMaterial tls = ReconcileInputs.of(context).tls();
    boolean kept = read(actual).map(ServingCertificate::certificate).equals(Optional.of(tls.serving().certificate()))
        && SecretData.read(actual, CA_BUNDLE).equals(Optional.of(tls.caBundlePem()));
    return Matcher.Result.computed(kept, desired(pipeline, tls));
  }

  public static Secret desired(MetricsPipeline pipeline, TlsMaterial tls) {
    return new SecretBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.SERVING_SECRET, Component.CERTIFICATES))
        .withType("kubernetes.io/tls")
        .addToData(CERTIFICATE, SecretData.encode(Pem.encode(tls.serving().certificate())))
        .addToData(KEY, SecretData.encode(Pem.encode(tls.serving().key())))
        .addToData(CA_BUNDLE, SecretData.encode(tls.caBundlePem()))
        .build();
  }

  /** The stored serving certificate; empty when the Secret lacks it or it does not parse. */
  public static Optional<ServingCertificate> read(Secret secret) {
    try {
      Optional<String> certificate = SecretData.read(secret, CERTIFICATE);
      Optional<String> key = SecretData.read(secret, KEY);
      if (certificate.isEmpty() || key.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new ServingCertificate(Pem.certificates(certificate.get()).get(0), Pem.privateKey(key.get())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
