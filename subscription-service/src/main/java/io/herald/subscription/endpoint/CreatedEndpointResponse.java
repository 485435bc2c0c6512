package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.herald.subscription.secret.SecretCipher;

/** The answer to {@code POST /v1/endpoints}: the endpoint and, this once, its signing secret. */
public record CreatedEndpointResponse(String id, String url, String description, List<String> eventTypes,
        boolean enabled, Map<String, String> headers, Integer rateLimitPerSecond, List<Long> retryScheduleMs,
        String secret, Instant createdAt, Instant updatedAt) {

    static CreatedEndpointResponse of(EndpointService.Created created, SecretCipher cipher) {
        EndpointResponse e = EndpointResponse.of(created.endpoint(), cipher);
        return new CreatedEndpointResponse(e.id(), e.url(), e.description(), e.eventTypes(), e.enabled(), e.headers(),
                e.rateLimitPerSecond(), e.retryScheduleMs(), created.secret(), e.createdAt(), e.updatedAt());
    }

    @Override
    public String toString() {
        return "CreatedEndpointResponse[id=" + id + ", url=" + url + ", eventTypes=" + eventTypes + ", enabled="
                + enabled + ", secret=<redacted>]";
    }
}
