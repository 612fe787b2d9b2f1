package dev.pulse.operator.api;

/** Regular expressions of the CRD's string fields, as Kubernetes validates the same names. */
final class ApiPatterns {

  static final String DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  static final String DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";
  /**
   * A label or annotation key: an optional DNS subdomain prefix and a slash, then a name of at
   * most 63 characters (the lengths are checked apart, so the expression stays linear). Written
   * for a CEL string literal: {@code [.]} and {@code [/]} need no escaping.
   */
  static final String QUALIFIED_NAME = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*[/])?"
      + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";
  /** A label value: empty, or at most 63 characters (checked apart) of this form. */
  static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  private ApiPatterns() {}
}
