package io.herald.contracts.messages;

import java.time.Instant;

/**
 * A delivery that exhausted its retries, on {@code herald.dlq}, keyed by endpoint id. Replaying it sends
 * {@link #delivery()} back to {@code herald.deliveries} with the same {@code webhook-id}.
 *
 * @param schemaVersion version of this record's shape
 * @param delivery the delivery as it was last attempted
 * @param lastStatusCode the last HTTP status, or null when no response came
 * @param lastError why the last attempt failed
 * @param deadAt when it was given up
 * @param reason why it was given up; null in records written before the field existed (read as
 *        {@link DeadLetterReason#EXHAUSTED})
 */
public record DeadLetterMessage(int schemaVersion, DeliveryMessage delivery, Integer lastStatusCode, String lastError,
        Instant deadAt, DeadLetterReason reason) {

    public static final int SCHEMA_VERSION = 1;

    /** A delivery whose retries ran out. */
    public DeadLetterMessage(int schemaVersion, DeliveryMessage delivery, Integer lastStatusCode, String lastError,
            Instant deadAt) {
        this(schemaVersion, delivery, lastStatusCode, lastError, deadAt, DeadLetterReason.EXHAUSTED);
    }

    /** The reason, {@link DeadLetterReason#EXHAUSTED} for records written before it was recorded. */
    public DeadLetterReason reasonOrDefault() {
        return reason == null ? DeadLetterReason.EXHAUSTED : reason;
    }
}
