package io.herald.subscription.endpoint;

/** The answer to {@code GET /v1/endpoints/{id}/secret}. */
public record EndpointSecretResponse(String secret) {

    @Override
    public String toString() {
        return "EndpointSecretResponse[secret=<redacted>]";
    }
}
