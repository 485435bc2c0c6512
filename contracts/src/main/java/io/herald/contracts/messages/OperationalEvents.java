package io.herald.contracts.messages;

import java.time.Instant;

/**
 * Events Herald itself publishes into {@code herald.events} for a tenant, under the reserved {@code herald.*} types
 * (producers may not use them), so subscribers receive them like any other event.
 */
public final class OperationalEvents {

    /** The reserved prefix of operational event types. */
    public static final String PREFIX = "herald.";
    /** An endpoint was disabled by dispatch (410 Gone, or failing for too long); data: {@link EndpointDisabled}. */
    public static final String ENDPOINT_DISABLED = "herald.endpoint.disabled";

    private OperationalEvents() {
    }

    public static boolean isOperational(String type) {
        return type != null && type.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * Data of {@link #ENDPOINT_DISABLED}. Subscription applies it to its database (the endpoint's state then reaches
     * {@code herald.endpoints} as usual).
     *
     * @param endpointId the disabled endpoint
     * @param reason why, in words for the subscriber (e.g. "HTTP 410 Gone")
     * @param disabledAt when dispatch disabled it
     */
    public record EndpointDisabled(String endpointId, String reason, Instant disabledAt) {
    }
}
