package io.herald.dispatch.auth;

/**
 * An OAuth 2.0 token could not be obtained (the token endpoint failed, answered an error or no usable token). The
 * delivery counts it as its own failure: retried on its schedule, counted by the endpoint's breaker.
 */
class TokenRequestFailedException extends RuntimeException {

    private final long latencyMs;

    TokenRequestFailedException(String message, long latencyMs) {
        super(message, null, false, false);
        this.latencyMs = latencyMs;
    }

    long latencyMs() {
        return latencyMs;
    }
}
