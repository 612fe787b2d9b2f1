package dev.pulse.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.pulse.operator.model.Durations;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How the aggregator reaches and trusts kubelets. Getters of defaulted fields never return null. */
public final class KubeletSpec {

  static final int DEFAULT_PORT = 10250;
  static final List<NodeAddressType> DEFAULT_ADDRESS_TYPES =
      List.of(NodeAddressType.InternalIP, NodeAddressType.ExternalIP, NodeAddressType.Hostname);
  public static final String DEFAULT_REQUEST_TIMEOUT = "10s";

  @Default("" + DEFAULT_PORT)
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Kubelet port, used when useNodeStatusPort is false or a node does not"
      + " report one. Default: " + DEFAULT_PORT + ".")
  private Integer port;

  @Default("true")
  @JsonPropertyDescription("Use the port each node reports in status.daemonEndpoints. Default: true.")
  private Boolean useNodeStatusPort;

  @Default("[\"InternalIP\",\"ExternalIP\",\"Hostname\"]")
  @Size(min = 1, max = 5)
  @ValidationRule(value = "self.all(t, self.exists_one(u, u == t))",
      message = "kubelet.preferredAddressTypes must not repeat an address type")
  @JsonPropertyDescription("Node address types to try, in order. InternalIP first avoids depending on"
      + " cluster DNS for node names. Default: InternalIP, ExternalIP, Hostname.")
  private List<NodeAddressType> preferredAddressTypes = new ArrayList<>(DEFAULT_ADDRESS_TYPES);

  @Default("{}")
  @JsonPropertyDescription("How kubelet serving certificates are verified.")
  private KubeletTlsSpec tls = new KubeletTlsSpec();

  @Default(DEFAULT_REQUEST_TIMEOUT)
  @Size(max = 32)
  @Pattern(Durations.PATTERN)
  @ValidationRule(value = "duration(self) > duration('0s')", message = "kubelet.requestTimeout must be positive")
  @JsonPropertyDescription("Deadline of one kubelet request, as a Go duration; shorter than"
      + " metricResolution. Default: " + DEFAULT_REQUEST_TIMEOUT + ".")
  private String requestTimeout;

  public Integer getPort() {
    return Objects.requireNonNullElse(port, DEFAULT_PORT);
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Boolean getUseNodeStatusPort() {
    return Objects.requireNonNullElse(useNodeStatusPort, Boolean.TRUE);
  }

  public void setUseNodeStatusPort(Boolean useNodeStatusPort) {
    this.useNodeStatusPort = useNodeStatusPort;
  }

  public List<NodeAddressType> getPreferredAddressTypes() {
    return preferredAddressTypes;
  }

  public void setPreferredAddressTypes(List<NodeAddressType> preferredAddressTypes) {
    this.preferredAddressTypes =
        preferredAddressTypes != null ? preferredAddressTypes : new ArrayList<>(DEFAULT_ADDRESS_TYPES);
  }

  public KubeletTlsSpec getTls() {
    return tls;
  }

  public void setTls(KubeletTlsSpec tls) {
    this.tls = tls != null ? tls : new KubeletTlsSpec();
  }

  public String getRequestTimeout() {
    return Objects.requireNonNullElse(requestTimeout, DEFAULT_REQUEST_TIMEOUT);
  }

  public void setRequestTimeout(String requestTimeout) {
    this.requestTimeout = requestTimeout;
  }
}
