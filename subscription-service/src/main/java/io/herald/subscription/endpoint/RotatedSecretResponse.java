package io.herald.subscription.endpoint;

import java.time.Instant;

/**
 * The answer to {@code POST /v1/endpoints/{id}/rotate-secret}.
 *
 * @param secret what to verify the new key's signatures with from now on: a {@code whsec_} secret, or the {@code whpk_}
 *        public key of a {@code v1a} endpoint
 * @param previousSecretExpiresAt until when the previous secret signs beside it
 */
public record RotatedSecretResponse(String secret, Instant previousSecretExpiresAt) {

    @Override
    public String toString() {
        return "RotatedSecretResponse[secret=<redacted>, previousSecretExpiresAt=" + previousSecretExpiresAt + "]";
    }
}
