package dev.pulse.operator.tls;

import dev.pulse.operator.api.CertificatesSpec;
import dev.pulse.operator.api.MetricsPipeline;
import dev.pulse.operator.model.Durations;
import dev.pulse.operator.model.Names;
import java.time.Duration;
import java.util.List;

/** The names and lifetimes the pipeline's certificates must have. */
public record TlsPolicy(List<String> dnsNames, Duration validity, Duration caValidity, Duration renewBefore) {

  public static TlsPolicy of(MetricsPipeline pipeline) {
    CertificatesSpec certificates = pipeline.getSpec().getCertificates();
    return new TlsPolicy(Names.servingDnsNames(pipeline.getSpec().getNamespace()),
        Durations.parse(certificates.getValidity()), Durations.parse(certificates.getCaValidity()),
        Durations.parse(certificates.getRenewBefore()));
  }
}
