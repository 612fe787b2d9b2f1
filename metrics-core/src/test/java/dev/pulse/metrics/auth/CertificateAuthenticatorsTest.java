package dev.pulse.metrics.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.metrics.testing.TestPki;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Front-proxy and client-certificate authentication with real X.509 material. */
class CertificateAuthenticatorsTest {

  private static final TestPki.Ca FRONT_PROXY_CA = TestPki.newCa("front-proxy-ca");
  private static final TestPki.Ca CLIENT_CA = TestPki.newCa("client-ca");
  private static final TestPki.Ca OTHER_CA = TestPki.newCa("someone-else");
  private static final TestPki.Issued PROXY = FRONT_PROXY_CA.issueClient("front-proxy-client");

  private static AuthenticationConfig config(List<String> allowedNames) {
    return new AuthenticationConfig(List.of(FRONT_PROXY_CA.certificate()), allowedNames,
        List.of("X-Remote-User"), List.of(), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"),
        List.of(CLIENT_CA.certificate()));
  }

  private static AuthRequest request(TestPki.Issued peer, Map<String, List<String>> headers) {
    return new AuthRequest(peer == null ? List.of() : List.of(peer.certificate()), headers);
  }

  private static final Map<String, List<String>> IDENTITY_HEADERS = Map.of(
      "x-remote-user", List.of("alice"),
      "x-remote-group", List.of("dev", "ops"),
      "x-remote-extra-scopes", List.of("view", "edit"),
      "x-remote-extra-acme.com%2fproject", List.of("apollo"));

  @Test
  void theFrontProxyVouchesForTheIdentityInItsHeaders() {
    Authentication a = CertificateAuthenticators.requestHeader(request(PROXY, IDENTITY_HEADERS),
        config(List.of("front-proxy-client")));

    assertThat(a.user()).isEqualTo(new UserInfo("alice", "", List.of("dev", "ops"),
        Map.of("scopes", List.of("view", "edit"), "acme.com/project", List.of("apollo"))));
  }

  @Test
  void anEmptyAllowedListAcceptsAnyNameFromTheFrontProxyCa() {
    TestPki.Issued other = FRONT_PROXY_CA.issueClient("aggregator");

    assertThat(CertificateAuthenticators.requestHeader(request(other, IDENTITY_HEADERS), config(List.of())).user().name())
        .isEqualTo("alice");
  }

  @Test
  void aNameNotAllowedIsRejected() {
    TestPki.Issued other = FRONT_PROXY_CA.issueClient("not-the-proxy");

    Authentication a = CertificateAuthenticators.requestHeader(request(other, IDENTITY_HEADERS),
        config(List.of("front-proxy-client")));

    assertThat(a.authenticated()).isFalse();
    assertThat(a.error()).contains("cn=not-the-proxy is not in the allowed list [front-proxy-client]");
  }

  @Test
  void aCertificateFromAnotherCaIsRejected() {
    TestPki.Issued forged = OTHER_CA.issueClient("front-proxy-client");

    Authentication a = CertificateAuthenticators.requestHeader(request(forged, IDENTITY_HEADERS),
        config(List.of("front-proxy-client")));

    assertThat(a.authenticated()).isFalse();
    assertThat(a.error()).startsWith("request-header client certificate: x509: certificate signed by unknown authority");
  }

  @Test
  void identityHeadersWithoutACertificateAreIgnored() {
    assertThat(CertificateAuthenticators.requestHeader(request(null, IDENTITY_HEADERS), config(List.of())))
        .isEqualTo(Authentication.NONE);
  }

  @Test
  void aServingCertificateCannotActAsTheFrontProxy() {
    TestPki.Issued server = FRONT_PROXY_CA.issueServer("front-proxy-client", "localhost");

    assertThat(CertificateAuthenticators.requestHeader(request(server, IDENTITY_HEADERS), config(List.of())).error())
        .contains("incompatible key usage");
  }

  @Test
  void aClientCertificateNamesTheUserAndItsOrganizationsTheGroups() {
    TestPki.Issued admin = CLIENT_CA.issueClient("admin", "system:masters", "ops");

    assertThat(CertificateAuthenticators.clientCertificate(request(admin, Map.of()), config(List.of())).user())
        .isEqualTo(new UserInfo("admin", "", List.of("system:masters", "ops"), Map.of()));
  }

  @Test
  void aClientCertificateFromAnotherCaIsRejected() {
    TestPki.Issued admin = OTHER_CA.issueClient("admin", "system:masters");

    assertThat(CertificateAuthenticators.clientCertificate(request(admin, Map.of()), config(List.of())).error())
        .startsWith("client certificate: x509: certificate signed by unknown authority");
  }
}
