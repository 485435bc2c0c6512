package io.herald.contracts.messages;

import java.time.Instant;

/**
 * One signing key of an endpoint, as dispatch signs with it.
 *
 * @param secret {@code whsec_<base64>} (HMAC, signs {@code v1}) or {@code whsk_<base64>} (Ed25519 private key, signs
 *        {@code v1a}); see {@link io.herald.contracts.signing.WebhookSecret}
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
