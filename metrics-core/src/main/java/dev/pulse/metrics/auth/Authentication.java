package dev.pulse.metrics.auth;

/**
 * One authenticator's verdict: a user, an error (credentials were presented and are bad), or
 * neither (nothing this authenticator understands was presented).
 */
public record Authentication(UserInfo user, String error) {

  static final Authentication NONE = new Authentication(null, null);

  static Authentication of(UserInfo user) {
    return new Authentication(user, null);
  }

  static Authentication failed(String error) {
    return new Authentication(null, error);
  }

  public boolean authenticated() {
    return user != null;
  }
}
