package dev.pulse.metrics.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulse.metrics.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a certificate reload accepts: a certificate together with its own key, in any usual format. */
class ServingCertificateTest {

  /**
   * Pairs as OpenSSL writes them: {@code ecparam -genkey -noout} (SEC1 {@code EC PRIVATE KEY}
   * with its curve) and {@code genrsa -traditional} (PKCS#1 {@code RSA PRIVATE KEY}), each with a
   * self-signed certificate from {@code req -new -x509}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ec-sec1", "rsa-pkcs1"})
  void acceptsOpensslKeyFormats(String pair) throws IOException {
    assertThat(new ServingCertificate(resource(pair + ".crt"), resource(pair + ".key")).problem()).isNull();
  }

  @Test
  void acceptsPkcs8KeysAndTheSelfSignedCertificate() {
    TestPki.Issued issued = TestPki.newCa("ca").issueServer("pulse", "127.0.0.1");
    assertThat(new ServingCertificate(issued.certPem(), issued.keyPem()).problem()).isNull();
    assertThat(ServingCertificate.selfSigned().problem()).isNull();
  }

  @Test
  void refusesTheKeyOfAnotherCertificate() throws IOException {
    String expected = "the private key does not belong to the certificate";
    ServingCertificate one = ServingCertificate.selfSigned();
    ServingCertificate two = ServingCertificate.selfSigned();
    assertThat(new ServingCertificate(two.certPem(), one.keyPem()).problem()).isEqualTo(expected);
    // Another key type altogether.
    assertThat(new ServingCertificate(resource("rsa-pkcs1.crt"), resource("ec-sec1.key")).problem()).isNotNull();
  }

  @Test
  void refusesWhatIsNotAPemPair() {
    ServingCertificate good = ServingCertificate.selfSigned();
    assertThat(new ServingCertificate("", good.keyPem()).problem()).isNotNull();
    assertThat(new ServingCertificate(good.certPem(), "").problem()).isNotNull();
    assertThat(new ServingCertificate(good.certPem(), good.certPem()).problem()).isNotNull();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ServingCertificateTest.class.getResourceAsStream("/tls/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
