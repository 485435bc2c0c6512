package io.herald.subscription.attempt;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One delivery attempt as the API shows it.
 *
 * @param status the outcome in lower case ({@code succeeded}, {@code retry_scheduled}, {@code exhausted},
 *        {@code endpoint_disabled}, {@code dropped}); null when dispatch reported one this version does not know
 * @param statusCode the HTTP status answered, null when no response came
 * @param traceId the W3C trace id of the attempt (the trace of the event's {@code POST /v1/events}), to look the
 *        attempt up in a tracing backend; null when tracing was off
 */
public record AttemptResponse(String id, String deliveryId, String webhookId, String endpointId, String eventId,
        String eventType, int attempt, String status, Integer statusCode, long latencyMs, String error,
        String responseExcerpt, Instant attemptedAt, Instant nextAttemptAt, @Schema(description = "W3C trace id of "
                + "the attempt (32 hex digits), to find it in a tracing backend; null when tracing was off") String traceId) {
}
