package dev.pulse.metrics.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The two certificate-based authenticators of an aggregated API server. Pure functions of the
 * request and the configuration, so every rule is tested without a network.
 */
final class CertificateAuthenticators {

  private CertificateAuthenticators() {}

  /**
   * Front-proxy authentication: a client certificate from the request-header CA, with an allowed
   * common name, vouches for the identity in the headers. Headers are believed only then.
   */
  static Authentication requestHeader(AuthRequest request, AuthenticationConfig config) {
    if (request.peerChain().isEmpty() || config.requestHeaderCa().isEmpty()) {
      return Authentication.NONE;
    }
    String problem = ChainVerifier.problem(request.peerChain(), config.requestHeaderCa());
    if (problem != null) {
      return Authentication.failed("request-header client certificate: " + problem);
    }
    String cn = commonName(request.peerChain().get(0));
    if (!config.allowedNames().isEmpty() && !config.allowedNames().contains(cn)) {
      return Authentication.failed("request-header client certificate: subject with cn=" + cn
          + " is not in the allowed list " + config.allowedNames());
    }
    String user = firstValue(request, config.usernameHeaders());
    if (user == null) {
      return Authentication.NONE;
    }
    String uid = firstValue(request, config.uidHeaders());
    List<String> groups = new ArrayList<>();
    config.groupHeaders().forEach(h -> groups.addAll(request.header(h)));
    Map<String, List<String>> extra = new LinkedHashMap<>();
    request.headers().forEach((name, values) -> {
      for (String prefix : config.extraHeaderPrefixes()) {
        if (name.startsWith(prefix) && name.length() > prefix.length()) {
          // Extra keys travel percent-encoded, since header names cannot carry every character.
          String key = URLDecoder.decode(name.substring(prefix.length()), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
          extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
        }
      }
    });
    return Authentication.of(new UserInfo(user, uid == null ? "" : uid, List.copyOf(groups), Map.copyOf(extra)));
  }

  /** Client-certificate authentication: user = common name, groups = organizations. */
  static Authentication clientCertificate(AuthRequest request, AuthenticationConfig config) {
    if (request.peerChain().isEmpty() || config.clientCa().isEmpty()) {
      return Authentication.NONE;
    }
    String problem = ChainVerifier.problem(request.peerChain(), config.clientCa());
    if (problem != null) {
      return Authentication.failed("client certificate: " + problem);
    }
    X509Certificate leaf = request.peerChain().get(0);
    return Authentication.of(new UserInfo(commonName(leaf), "", attributes(leaf, BCStyle.O), Map.of()));
  }

  private static String firstValue(AuthRequest request, List<String> headers) {
    for (String h : headers) {
      for (String v : request.header(h)) {
        if (!v.isEmpty()) {
          return v;
        }
      }
    }
    return null;
  }

  private static String commonName(X509Certificate cert) {
    List<String> cns = attributes(cert, BCStyle.CN);
    return cns.isEmpty() ? "" : cns.get(0);
  }

  /** Subject attribute values in the certificate's own order, as Go's {@code pkix.Name} lists them. */
  private static List<String> attributes(X509Certificate cert, ASN1ObjectIdentifier type) {
    List<String> values = new ArrayList<>();
    for (RDN rdn : X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(type)) {
      for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
        if (value.getType().equals(type)) {
          values.add(IETFUtils.valueToString(value.getValue()));
        }
      }
    }
    return List.copyOf(values);
  }
}
