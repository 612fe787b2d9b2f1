package dev.pulse.operator.api;

/** A node address type, as in {@code Node.status.addresses[].type}. */
public enum NodeAddressType {
  Hostname,
  InternalDNS,
  InternalIP,
  ExternalDNS,
  ExternalIP
}
