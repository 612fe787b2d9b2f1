package dev.pulse.operator.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What the CA and serving Secrets hold, as far as it could be read: a missing or unreadable part
 * is empty.
 *
 * @param previousCas CAs replaced by a rotation, still trusted until they expire
 */
public record StoredTls(Optional<CertificateAuthority> ca, List<X509Certificate> previousCas,
    Optional<ServingCertificate> serving) {

  public static final StoredTls NOTHING = new StoredTls(Optional.empty(), List.of(), Optional.empty());
}
