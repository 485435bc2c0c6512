package io.herald.contracts.messages;

/** Why a delivery became a dead letter. Readers map a value they do not know to null (see {@code Json}). */
public enum DeadLetterReason {
    /** Every try failed: the retry schedule ran out. */
    EXHAUSTED,
    /** The endpoint was disabled (410 Gone, failing too long, or by its owner) when the delivery was due. */
    ENDPOINT_DISABLED,
    /** The endpoint's address was refused by the egress policy: no request was made. */
    EGRESS_REFUSED,
    /** It could not go out (breaker open, rate limit, concurrency cap) for longer than the postponement deadline. */
    POSTPONED_TOO_LONG,
    /**
     * The endpoint delivers in order and already had as many bytes waiting behind its oldest undelivered webhook as
     * dispatch holds per ordered endpoint (or in total): not queued, never silently dropped.
     */
    ORDERED_QUEUE_FULL
}
