package io.herald.subscription.endpoint;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer to {@code GET /v1/endpoints/{id}/secret}: what the subscriber verifies signatures with, the {@code whsec_}
 * shared secret of a {@code v1} endpoint or the {@code whpk_} public key of a {@code v1a} one (never its private key).
 */
public record EndpointSecretResponse(
        @Schema(description = "whsec_ shared secret (v1) or whpk_ public key (v1a) to verify signatures with") String secret) {

    @Override
    public String toString() {
        return "EndpointSecretResponse[secret=<redacted>]";
    }
}
