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
    /**
     * An endpoint's circuit breaker opened: its failure rate crossed the breaker's threshold (or it failed a run of
     * requests in a row), and deliveries to it are held back; data: {@link EndpointFailing}.
     */
    public static final String ENDPOINT_FAILING = "herald.endpoint.failing";
    /** An endpoint announced failing answered again and its breaker closed; data: {@link EndpointRecovered}. */
    public static final String ENDPOINT_RECOVERED = "herald.endpoint.recovered";
    /**
     * Deliveries to an endpoint became dead letters (never for an operational event's own); coalesced per endpoint:
     * data: {@link DeadLetterCreated}.
     */
    public static final String DEAD_LETTER_CREATED = "herald.dead_letter.created";

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

    /**
     * Data of {@link #ENDPOINT_FAILING}.
     *
     * @param endpointId the failing endpoint
     * @param failingSince since when every request to it has failed, as the dispatch instance saw it, or null
     * @param lastError the failure that opened the breaker, in words ({@code HTTP 500}, a timeout, a connection error;
     *        never the receiver's response body)
     * @param probeAfterMs how long the breaker holds deliveries back before it lets a probe request through, in
     *        milliseconds; deliveries are postponed meanwhile, not lost
     * @param detectedAt when the breaker opened
     */
    public record EndpointFailing(String endpointId, Instant failingSince, String lastError, long probeAfterMs,
            Instant detectedAt) {
    }

    /**
     * Data of {@link #ENDPOINT_RECOVERED}.
     *
     * @param endpointId the endpoint that answers again
     * @param failingSince since when it had been failing, or null
     * @param recoveredAt when its breaker closed
     */
    public record EndpointRecovered(String endpointId, Instant failingSince, Instant recoveredAt) {
    }

    /**
     * Data of {@link #DEAD_LETTER_CREATED}: the first dead letter of an endpoint is told at once; further ones within
     * the coalescing window are counted and told in one event at its end, naming the last of them.
     *
     * @param endpointId the endpoint the deliveries were for
     * @param count dead letters this event stands for (1 for the first; at least 1)
     * @param deliveryId the (last) dead-lettered delivery
     * @param eventId its event
     * @param eventType its event's type
     * @param reason why it was given up: {@code EXHAUSTED}, {@code ENDPOINT_DISABLED}, {@code EGRESS_REFUSED} or
     *        {@code POSTPONED_TOO_LONG}
     * @param lastStatusCode its last HTTP status, or null when no response came
     * @param firstDeadAt when the first dead letter this event counts was written
     * @param lastDeadAt when the last one was written
     */
    public record DeadLetterCreated(String endpointId, int count, String deliveryId, String eventId, String eventType,
            String reason, Integer lastStatusCode, Instant firstDeadAt, Instant lastDeadAt) {
    }
}
