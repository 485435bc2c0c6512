package io.herald.contracts.messages;

/** What one delivery attempt led to. Readers map a value they do not know to null (see {@code Json}). */
public enum AttemptOutcome {
    /** The endpoint answered 2xx. */
    SUCCEEDED,
    /** It failed and another attempt is scheduled ({@code nextAttemptAt}). */
    RETRY_SCHEDULED,
    /** It failed and was the last attempt: the delivery went to the DLQ. */
    EXHAUSTED,
    /** The endpoint answered 410 Gone and was disabled. */
    ENDPOINT_DISABLED,
    /** No request was made and none will be: the endpoint is deleted, disabled, or its address is refused. */
    DROPPED
}
