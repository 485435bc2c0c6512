package io.herald.subscription.deadletter;

import java.time.Instant;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;

/**
 * A row of {@code dead_letter} (Flyway V4).
 *
 * @param delivery the {@link DeliveryMessage} as received, JSON
 * @param replayedAt when its replay was acknowledged by Kafka, null while pending
 * @param reason why the delivery was given up
 */
public record DeadLetter(String id, String tenant, String endpointId, String deliveryId, String webhookId,
        String eventId, String eventType, int attempts, Integer lastStatusCode, String lastError, Instant deadAt,
        String delivery, Instant replayedAt, DeadLetterReason reason) {

    /** What a replay publishes: the same delivery and webhook id, attempts reset, due at once. */
    public DeliveryMessage replayMessage(MessageJson json) {
        DeliveryMessage last = json.read(delivery, DeliveryMessage.class);
        return new DeliveryMessage(DeliveryMessage.SCHEMA_VERSION, last.id(), last.webhookId(), last.tenant(),
                last.endpointId(), last.eventId(), last.eventType(), last.payload(), 0, last.createdAt(), null);
    }

    public DeadLetter replayed(Instant at) {
        return new DeadLetter(id, tenant, endpointId, deliveryId, webhookId, eventId, eventType, attempts,
                lastStatusCode, lastError, deadAt, delivery, at, reason);
    }
}
