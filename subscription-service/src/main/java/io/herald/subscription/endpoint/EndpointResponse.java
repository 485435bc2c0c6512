package io.herald.subscription.endpoint;

import java.time.Instant;
import java.util.List;

/** An endpoint as the API shows it: never with its secret. */
public record EndpointResponse(String id, String url, String description, List<String> eventTypes, boolean enabled,
        Instant createdAt, Instant updatedAt) {

    static EndpointResponse of(Endpoint endpoint) {
        return new EndpointResponse(endpoint.id, endpoint.url, endpoint.description, List.copyOf(endpoint.eventTypes),
                endpoint.enabled, endpoint.createdAt, endpoint.updatedAt);
    }
}
