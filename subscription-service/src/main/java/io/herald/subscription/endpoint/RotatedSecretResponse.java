package io.herald.subscription.endpoint;

import java.time.Instant;

/**
 * The answer to {@code POST /v1/endpoints/{id}/rotate-secret}.
 *
 * @param secret the new signing secret ({@code whsec_...}), signing from now on
 * @param previousSecretExpiresAt until when the previous secret signs beside it
 */
public record RotatedSecretResponse(String secret, Instant previousSecretExpiresAt) {

    @Override
    public String toString() {
        return "RotatedSecretResponse[secret=<redacted>, previousSecretExpiresAt=" + previousSecretExpiresAt + "]";
    }
}
