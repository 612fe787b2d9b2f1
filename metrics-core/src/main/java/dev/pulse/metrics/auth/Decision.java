package dev.pulse.metrics.auth;

/** An authorization verdict, with the authorizer's reason (shown to the user on denial). */
public record Decision(boolean allowed, String reason) {}
