package dev.pulse.operator.api;

/** Regular expressions of the CRD's string fields, as Kubernetes validates the same names. */
final class ApiPatterns {

  static final String DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  static final String DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

  private ApiPatterns() {}
}
