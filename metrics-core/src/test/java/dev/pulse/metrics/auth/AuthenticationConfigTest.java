package dev.pulse.metrics.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulse.metrics.testing.TestPki;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading kube-apiserver's extension-apiserver-authentication ConfigMap. */
class AuthenticationConfigTest {

  @Test
  void readsWhatKubeApiserverPublishes() {
    TestPki.Ca proxyCa = TestPki.newCa("front-proxy-ca");
    TestPki.Ca clientCa = TestPki.newCa("kubernetes");
    AuthenticationConfig c = AuthenticationConfig.fromConfigMap(Map.of(
        "client-ca-file", clientCa.certPem(),
        "requestheader-client-ca-file", proxyCa.certPem(),
        "requestheader-allowed-names", "[\"front-proxy-client\"]",
        "requestheader-username-headers", "[\"X-Remote-User\"]",
        "requestheader-group-headers", "[\"X-Remote-Group\"]",
        "requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]"));

    assertThat(c.clientCa()).containsExactly(clientCa.certificate());
    assertThat(c.requestHeaderCa()).containsExactly(proxyCa.certificate());
    assertThat(c.allowedNames()).containsExactly("front-proxy-client");
    assertThat(c.usernameHeaders()).containsExactly("x-remote-user");
    assertThat(c.groupHeaders()).containsExactly("x-remote-group");
    assertThat(c.extraHeaderPrefixes()).containsExactly("x-remote-extra-");
    assertThat(c.uidHeaders()).isEmpty();
  }

  @Test
  void aMissingConfigMapConfiguresNothing() {
    AuthenticationConfig c = AuthenticationConfig.fromConfigMap(null);

    assertThat(c.requestHeaderCa()).isEmpty();
    assertThat(c.clientCa()).isEmpty();
  }

  @Test
  void aBrokenKeyIsNamed() {
    assertThatThrownBy(() -> AuthenticationConfig.fromConfigMap(Map.of("requestheader-allowed-names", "front-proxy")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("requestheader-allowed-names is not a JSON list of strings");
    assertThatThrownBy(() -> AuthenticationConfig.fromConfigMap(Map.of("client-ca-file", "not a certificate")))
        .hasMessageStartingWith("client-ca-file is not a PEM certificate bundle");
  }

  @Test
  void flagsOverrideOnlyTheKeysTheySet() {
    TestPki.Ca flagCa = TestPki.newCa("from-flag");
    AuthenticationConfig fromConfigMap = AuthenticationConfig.fromConfigMap(Map.of(
        "requestheader-allowed-names", "[\"front-proxy-client\"]",
        "requestheader-username-headers", "[\"X-Remote-User\"]"));
    AuthenticationSource.Overrides flags = new AuthenticationSource.Overrides(List.of(flagCa.certificate()),
        null, null, null, null, null, null);

    AuthenticationConfig merged = flags.applyTo(fromConfigMap);

    assertThat(merged.requestHeaderCa()).containsExactly(flagCa.certificate());
    assertThat(merged.allowedNames()).containsExactly("front-proxy-client");
    assertThat(merged.usernameHeaders()).containsExactly("x-remote-user");
  }
}
