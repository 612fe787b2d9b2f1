package dev.pulse.metrics.api.representation;

/**
 * The serializers metrics-server's API group offers, in the order kube-apiserver's negotiation
 * tries them (and lists them in its 406 messages).
 */
public enum MediaType {
  JSON("application", "json", true),
  YAML("application", "yaml", false),
  PROTOBUF("application", "vnd.kubernetes.protobuf", true);

  public final String type;
  public final String subtype;
  /** Whether it also encodes watch streams ({@code ;stream=watch}); YAML does not. */
  public final boolean streams;

  MediaType(String type, String subtype, boolean streams) {
    this.type = type;
    this.subtype = subtype;
    this.streams = streams;
  }

  /** The Content-Type of an answer in this representation. */
  public String contentType() {
    return type + "/" + subtype;
  }
}
