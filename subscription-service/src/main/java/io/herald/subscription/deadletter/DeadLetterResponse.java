package io.herald.subscription.deadletter;

import java.time.Instant;
import java.util.Locale;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.herald.contracts.messages.DeadLetterReason;

/**
 * A dead letter as the API shows it (without the payload).
 *
 * @param status {@code pending} until replayed, then {@code replayed}
 * @param attempts attempts made before the delivery was given up
 * @param lastStatusCode the last HTTP status, null when the last attempt got no response
 * @param replayedAt when the replay was handed to Kafka, null while pending
 * @param reason why the delivery was given up: {@code exhausted} (its retries ran out), {@code endpoint_disabled} (the
 *        endpoint was disabled when it was due), {@code egress_refused} (its address was refused, no request was made)
 *        or {@code postponed_too_long} (breaker, rate limit or concurrency cap held it past the deadline)
 */
public record DeadLetterResponse(String id, String endpointId, String deliveryId, String webhookId, String eventId,
        String eventType, String status, @Schema(enumeration = {
                "exhausted", "endpoint_disabled", "egress_refused", "postponed_too_long" }) String reason,
        int attempts, Integer lastStatusCode, String lastError, Instant deadAt, Instant replayedAt){

    public static DeadLetterResponse of(DeadLetter letter) {
        return new DeadLetterResponse(letter.id(), letter.endpointId(), letter.deliveryId(), letter.webhookId(),
                letter.eventId(), letter.eventType(), letter.replayedAt() == null ? "pending" : "replayed",
                reason(letter.reason()), letter.attempts(), letter.lastStatusCode(), letter.lastError(),
                letter.deadAt(), letter.replayedAt());
    }

    /** The API's name of a reason: lower case, like {@code status}. */
    static String reason(DeadLetterReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
