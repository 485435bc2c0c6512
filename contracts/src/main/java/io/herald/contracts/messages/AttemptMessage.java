package io.herald.contracts.messages;

import java.time.Instant;

/**
 * One delivery attempt on {@code herald.attempts}, keyed by endpoint id; the delivery log is built from these.
 *
 * @param schemaVersion version of this record's shape
 * @param id attempt id, unique per (delivery, attempt number) so re-consuming the topic is idempotent
 * @param deliveryId the delivery attempted
 * @param webhookId the {@code webhook-id} sent
 * @param tenant owning tenant
 * @param endpointId target endpoint
 * @param eventId the event delivered
 * @param eventType the event's type
 * @param attempt 1 for the first attempt
 * @param outcome what it led to
 * @param statusCode HTTP status, or null when no response came (timeout, connection error, refused)
 * @param latencyMs from request start to response (or failure), in milliseconds
 * @param error why it failed, or null
 * @param responseExcerpt the start of the response body, capped
 * @param attemptedAt when the attempt started
 * @param nextAttemptAt when the next attempt is due, or null
 * @param traceId the W3C trace id (32 lower-case hex digits) of the trace the attempt belongs to, or null when the
 *        delivery was not traced
 */
public record AttemptMessage(int schemaVersion, String id, String deliveryId, String webhookId, String tenant,
        String endpointId, String eventId, String eventType, int attempt, AttemptOutcome outcome, Integer statusCode,
        long latencyMs, String error, String responseExcerpt, Instant attemptedAt, Instant nextAttemptAt,
        String traceId) {

    public static final int SCHEMA_VERSION = 1;

    /** An attempt outside any trace. */
    public AttemptMessage(int schemaVersion, String id, String deliveryId, String webhookId, String tenant,
            String endpointId, String eventId, String eventType, int attempt, AttemptOutcome outcome,
            Integer statusCode, long latencyMs, String error, String responseExcerpt, Instant attemptedAt,
            Instant nextAttemptAt) {
        this(schemaVersion, id, deliveryId, webhookId, tenant, endpointId, eventId, eventType, attempt, outcome,
                statusCode, latencyMs, error, responseExcerpt, attemptedAt, nextAttemptAt, null);
    }

    public static String attemptId(String deliveryId, int attempt) {
        return deliveryId + "." + attempt;
    }
}
