package io.herald.contracts.messages;

import java.time.Instant;

/**
 * One signing secret of an endpoint.
 *
 * @param secret {@code whsec_<base64>}
 * @param expiresAt null for the current secret; for a rotated-out one, the end of its grace period
 */
public record EndpointSecret(String secret, Instant expiresAt) {

    public boolean liveAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "EndpointSecret[secret=<redacted>, expiresAt=" + expiresAt + "]";
    }
}
