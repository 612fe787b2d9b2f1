package dev.pulse.operator.dependent;

import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Names;
import dev.pulse.operator.model.Names.Component;
import dev.pulse.operator.tls.CertificateAuthority;
import dev.pulse.operator.tls.Pem;
import dev.pulse.operator.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The CA Secret: the CA's key never leaves it, and it outlives reconciles. {@link #read} and
 * {@link TlsMaterial#reconcile} decide what to keep; {@link #desired} writes back the result, which
 * is what was read unless something had to change.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public final class CaSecretDependentResource extends CRUDKubernetesDependentResource<Secret, MetricsPipeline> {

  static final String CERTIFICATE = "ca.crt";
  static final String KEY = "ca.key";
  /** CAs replaced by a rotation, still in the APIService's bundle until they expire. */
  static final String PREVIOUS_CERTIFICATES = "previous-ca.crt";

  @Override
  protected Secret desired(MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    return desired(pipeline, ReconcileInputs.of(context).tls());
  }

  /**
   * Up to date when it holds the CAs {@link TlsMaterial#reconcile} kept: comparing bytes would
   * also compare how a key happens to be encoded, and rewrite a CA that did not change.
   */
  @Override
  public Matcher.Result<Secret> match(Secret actual, MetricsPipeline pipeline, Context<MetricsPipeline> context) {
    TlsMaterial tls = ReconcileInputs.of(context).tls();
    boolean kept = readCa(actual).map(CertificateAuthority::certificate).equals(Optional.of(tls.ca().certificate()))
        && readPreviousCas(actual).equals(tls.previousCas());
    return Matcher.Result.computed(kept, desired(pipeline, tls));
  }

  public static Secret desired(MetricsPipeline pipeline, TlsMaterial tls) {
    SecretBuilder secret = new SecretBuilder()
        .withMetadata(Metadata.namespaced(pipeline, Names.CA_SECRET, Component.CERTIFICATES))
        .withType("Opaque")
        .addToData(CERTIFICATE, SecretData.encode(Pem.encode(tls.ca().certificate())))
        .addToData(KEY, SecretData.encode(Pem.encode(tls.ca().key())));
    if (!tls.previousCas().isEmpty()) {
      secret.addToData(PREVIOUS_CERTIFICATES, SecretData.encode(Pem.encode(tls.previousCas())));
    }
    return secret.build();
  }

  /** The stored CA; empty when the Secret lacks it or it does not parse. */
  public static Optional<CertificateAuthority> readCa(Secret secret) {
    try {
      Optional<String> certificate = SecretData.read(secret, CERTIFICATE);
      Optional<String> key = SecretData.read(secret, KEY);
      if (certificate.isEmpty() || key.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new CertificateAuthority(Pem.certificates(certificate.get()).get(0), Pem.privateKey(key.get())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The rotated-out CAs; empty when there are none or they do not parse. */
  public static List<X509Certificate> readPreviousCas(Secret secret) {
    try {
      return SecretData.read(secret, PREVIOUS_CERTIFICATES).map(Pem::certificates).orElse(List.of());
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }
}
