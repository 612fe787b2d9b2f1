package dev.pulse.metrics.auth;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies a client certificate chain against a CA set, as Go's {@code x509.Verify} does for
 * Kubernetes authenticators: a valid path to one of the CAs, within validity, and usable for
 * client authentication.
 */
final class ChainVerifier {

  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  private ChainVerifier() {}

  /** Null when the chain verifies, else why not. */
  static String problem(List<X509Certificate> chain, List<X509Certificate> cas) {
    if (cas.isEmpty()) {
      return "no CA configured";
    }
    X509Certificate leaf = chain.get(0);
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
        return "certificate specifies an incompatible key usage";
      }
      Set<TrustAnchor> anchors = cas.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet());
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      // The leaf and any intermediates the client sent; the trust anchors themselves are not part of the path.
      List<X509Certificate> path = chain.stream().filter(c -> !cas.contains(c)).toList();
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
      return null;
    } catch (GeneralSecurityException e) {
      return "x509: certificate signed by unknown authority or not valid now (" + e.getMessage() + ")";
    }
  }
}
