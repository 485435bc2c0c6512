package io.herald.subscription.deadletter;

import java.time.Instant;

/**
 * A dead letter as the API shows it (without the payload).
 *
 * @param status {@code pending} until replayed, then {@code replayed}
 * @param attempts attempts made before the delivery was given up
 * @param lastStatusCode the last HTTP status, null when the last attempt got no response
 * @param replayedAt when the replay was handed to Kafka, null while pending
 */
public record DeadLetterResponse(String id, String endpointId, String deliveryId, String webhookId, String eventId,
        String eventType, String status, int attempts, Integer lastStatusCode, String lastError, Instant deadAt,
        Instant replayedAt) {

    public static DeadLetterResponse of(DeadLetter letter) {
        return new DeadLetterResponse(letter.id(), letter.endpointId(), letter.deliveryId(), letter.webhookId(),
                letter.eventId(), letter.eventType(), letter.replayedAt() == null ? "pending" : "replayed",
                letter.attempts(), letter.lastStatusCode(), letter.lastError(), letter.deadAt(), letter.replayedAt());
    }
}
