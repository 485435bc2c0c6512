package io.herald.contracts.messages;

import java.time.Instant;

/**
 * One event to deliver to one endpoint, on {@code herald.deliveries} and the retry tiers, keyed by endpoint id.
 *
 * @param schemaVersion version of this record's shape
 * @param id delivery id, derived from event and endpoint so a replayed fan-out yields the same id
 * @param webhookId the {@code webhook-id} header: the same on every attempt
 * @param tenant owning tenant
 * @param endpointId target endpoint
 * @param eventId the event delivered
 * @param eventType the event's type
 * @param payload the exact body to POST and sign, rendered once at fan-out so every attempt sends the same bytes
 * @param attempts attempts already made (0 before the first)
 * @param createdAt when fan-out created it
 * @param notBefore earliest time of the next attempt, or null for now
 * @param failingSince on a retry, since when every request to the endpoint has failed, as the instance that handed it
 *        to the retry tier knew it; null when unknown or not failing (and in records written before the field existed).
 *        Lets whichever instance reads it back, after a restart too, count an endpoint's failing time from the start
 * @param postponements times it was pushed back without a request (breaker open, rate limit, concurrency cap) since its
 *        last attempt; drives the growing wait between postponements
 * @param postponedSince when the current run of postponements began, or null when it is not postponed; a delivery
 *        postponed for longer than the configured deadline becomes a dead letter
 * @param traceparent the W3C {@code traceparent} of the fan-out span that created the delivery, or null (tracing off,
 *        or a record written before the field existed); every attempt's span is its child, and every attempt record
 *        carries its trace id. A field rather than a record header, so it survives the retry tiers and the DLQ
 */
public record DeliveryMessage(int schemaVersion, String id, String webhookId, String tenant, String endpointId,
        String eventId, String eventType, String payload, int attempts, Instant createdAt, Instant notBefore,
        Instant failingSince, int postponements, Instant postponedSince, String traceparent) {

    public static final int SCHEMA_VERSION = 1;

    /** A delivery outside any trace. */
    public DeliveryMessage(int schemaVersion, String id, String webhookId, String tenant, String endpointId,
            String eventId, String eventType, String payload, int attempts, Instant createdAt, Instant notBefore,
            Instant failingSince, int postponements, Instant postponedSince) {
        this(schemaVersion, id, webhookId, tenant, endpointId, eventId, eventType, payload, attempts, createdAt,
                notBefore, failingSince, postponements, postponedSince, null);
    }

    /** A delivery that was never postponed. */
    public DeliveryMessage(int schemaVersion, String id, String webhookId, String tenant, String endpointId,
            String eventId, String eventType, String payload, int attempts, Instant createdAt, Instant notBefore,
            Instant failingSince) {
        this(schemaVersion, id, webhookId, tenant, endpointId, eventId, eventType, payload, attempts, createdAt,
                notBefore, failingSince, 0, null);
    }

    /** A delivery with no failing-since stamp. */
    public DeliveryMessage(int schemaVersion, String id, String webhookId, String tenant, String endpointId,
            String eventId, String eventType, String payload, int attempts, Instant createdAt, Instant notBefore) {
        this(schemaVersion, id, webhookId, tenant, endpointId, eventId, eventType, payload, attempts, createdAt,
                notBefore, null);
    }

    /** The first delivery of an event to an endpoint. */
    public static DeliveryMessage first(EventMessage event, String endpointId, String payload, Instant now) {
        return new DeliveryMessage(SCHEMA_VERSION, deliveryId(event.id(), endpointId), event.id(), event.tenant(),
                endpointId, event.id(), event.type(), payload, 0, now, null);
    }

    public static String deliveryId(String eventId, String endpointId) {
        return eventId + "." + endpointId;
    }

    /** The same delivery after one more attempt, due again at {@code notBefore}; its postponements start over. */
    public DeliveryMessage retryAt(Instant notBefore) {
        return new DeliveryMessage(SCHEMA_VERSION, id, webhookId, tenant, endpointId, eventId, eventType, payload,
                attempts + 1, createdAt, notBefore, failingSince, 0, null, traceparent);
    }

    /**
     * The same delivery due at {@code notBefore} without counting an attempt (it was pushed back, not tried): one more
     * postponement, the run of them starting at {@code now} if this is the first.
     */
    public DeliveryMessage postponedTo(Instant notBefore, Instant now) {
        return new DeliveryMessage(SCHEMA_VERSION, id, webhookId, tenant, endpointId, eventId, eventType, payload,
                attempts, createdAt, notBefore, failingSince, postponements + 1,
                postponedSince == null ? now : postponedSince, traceparent);
    }

    /** The same delivery due at {@code notBefore}, nothing else changed (a hop between retry tiers). */
    public DeliveryMessage dueAt(Instant notBefore) {
        return new DeliveryMessage(schemaVersion, id, webhookId, tenant, endpointId, eventId, eventType, payload,
                attempts, createdAt, notBefore, failingSince, postponements, postponedSince, traceparent);
    }

    /** The same delivery stamped with since when its endpoint has been failing (null: not known to be failing). */
    public DeliveryMessage withFailingSince(Instant since) {
        return new DeliveryMessage(schemaVersion, id, webhookId, tenant, endpointId, eventId, eventType, payload,
                attempts, createdAt, notBefore, since, postponements, postponedSince, traceparent);
    }

    /** The same delivery as part of the trace whose span {@code traceparent} names (null: none). */
    public DeliveryMessage withTraceparent(String traceparent) {
        return new DeliveryMessage(schemaVersion, id, webhookId, tenant, endpointId, eventId, eventType, payload,
                attempts, createdAt, notBefore, failingSince, postponements, postponedSince, traceparent);
    }
}
