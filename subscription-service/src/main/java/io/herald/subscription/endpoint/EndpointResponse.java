package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.herald.subscription.secret.SecretCipher;

/**
 * An endpoint as the API shows it: never with its secret, the secret parts of its {@code auth} or the values of its
 * {@code secretHeaders} (those show as {@value EndpointAuthRules#MASK}). {@code headers}, {@code rateLimitPerSecond}
 * and {@code retryScheduleMs} are null when the endpoint uses the defaults; {@code signingMode} is {@code v1} or
 * {@code v1a}.
 */
public record EndpointResponse(String id, String url, String description, List<String> eventTypes, boolean enabled,
        Map<String, String> headers, Integer rateLimitPerSecond, List<Long> retryScheduleMs, @Schema(enumeration = {
                "v1", "v1a" }) String signingMode,
        Instant createdAt, Instant updatedAt, @Schema(description = EndpointRules.FILTER_DESCRIPTION) String filter,
        @Schema(description = EndpointRules.SEND_TRACEPARENT_DESCRIPTION) boolean sendTraceparent,
        @Schema(description = CreateEndpointRequest.ORDERED_DESCRIPTION) boolean ordered, EndpointAuthResponse auth,
        @Schema(description = CreateEndpointRequest.SECRET_HEADERS_DESCRIPTION) List<String> secretHeaders){

    static EndpointResponse of(Endpoint endpoint, SecretCipher cipher) {
        return new EndpointResponse(endpoint.id, endpoint.url, endpoint.description, List.copyOf(endpoint.eventTypes),
                endpoint.enabled, EndpointAuthRules.masked(endpoint.headers(cipher), endpoint.secretHeaders),
                endpoint.rateLimitPerSecond,
                endpoint.retryScheduleMs == null ? null : List.copyOf(endpoint.retryScheduleMs), endpoint.signingMode,
                endpoint.createdAt, endpoint.updatedAt, endpoint.filter, endpoint.sendTraceparent, endpoint.ordered,
                EndpointAuthResponse.of(endpoint.auth(cipher)),
                endpoint.secretHeaders == null ? null : List.copyOf(endpoint.secretHeaders));
    }
}
