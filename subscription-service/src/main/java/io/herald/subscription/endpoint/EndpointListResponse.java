package io.herald.subscription.endpoint;

import java.util.List;

/** A page of endpoints; an object rather than a bare array so a cursor can be added without breaking clients. */
public record EndpointListResponse(List<EndpointResponse> data) {
}
