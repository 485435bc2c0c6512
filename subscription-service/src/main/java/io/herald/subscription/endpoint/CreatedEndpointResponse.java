package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.List;

/** The answer to {@code POST /v1/endpoints}: the endpoint and, this once, its signing secret. */
public record CreatedEndpointResponse(String id, String url, String description, List<String> eventTypes,
        boolean enabled, String secret, Instant createdAt, Instant updatedAt) {

    static CreatedEndpointResponse of(Endpoint endpoint) {
        return new CreatedEndpointResponse(endpoint.id, endpoint.url, endpoint.description,
                List.copyOf(endpoint.eventTypes), endpoint.enabled, endpoint.secret, endpoint.createdAt,
                endpoint.updatedAt);
    }

    @Override
    public String toString() {
        return "CreatedEndpointResponse[id=" + id + ", url=" + url + ", eventTypes=" + eventTypes + ", enabled="
                + enabled + ", secret=<redacted>]";
    }
}
