package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.herald.subscription.secret.SecretCipher;

/**
 * The answer to {@code POST /v1/endpoints}: the endpoint and, this once, what its subscriber verifies signatures with:
 * the {@code whsec_} shared secret ({@code v1}) or the {@code whpk_} Ed25519 public key ({@code v1a}).
 */
public record CreatedEndpointResponse(String id, String url, String description, List<String> eventTypes,
        boolean enabled, Map<String, String> headers, Integer rateLimitPerSecond, List<Long> retryScheduleMs,
        @Schema(enumeration = {
                "v1", "v1a" }) String signingMode,
        @Schema(description = "whsec_ shared secret (v1) or whpk_ public key (v1a) to verify signatures with") String secret,
        Instant createdAt, Instant updatedAt, @Schema(description = EndpointRules.FILTER_DESCRIPTION) String filter,
        @Schema(description = EndpointRules.SEND_TRACEPARENT_DESCRIPTION) boolean sendTraceparent,
        @Schema(description = CreateEndpointRequest.ORDERED_DESCRIPTION) boolean ordered, EndpointAuthResponse auth,
        @Schema(description = CreateEndpointRequest.SECRET_HEADERS_DESCRIPTION) List<String> secretHeaders){

    static CreatedEndpointResponse of(EndpointService.Created created, SecretCipher cipher) {
        EndpointResponse e = EndpointResponse.of(created.endpoint(), cipher);
        return new CreatedEndpointResponse(e.id(), e.url(), e.description(), e.eventTypes(), e.enabled(), e.headers(),
                e.rateLimitPerSecond(), e.retryScheduleMs(), e.signingMode(), created.secret(), e.createdAt(),
                e.updatedAt(), e.filter(), e.sendTraceparent(), e.ordered(), e.auth(), e.secretHeaders());
    }

    @Override
    public String toString() {
        return "CreatedEndpointResponse[id=" + id + ", url=" + url + ", eventTypes=" + eventTypes + ", enabled="
                + enabled + ", signingMode=" + signingMode + ", secret=<redacted>]";
    }
}
