package io.herald.ingest.idempotency;

/**
 * What a request answered: the HTTP status and the JSON body, as stored for an {@code Idempotency-Key} and replayed.
 *
 * @param status the HTTP status
 * @param body the JSON body
 * @param isFinal whether the answer may be replayed; false when part of it asks the producer to retry (a 503 item)
 * @param replayed true when this answer is the stored one of an earlier request
 */
public record Answer(int status, String body, boolean isFinal, boolean replayed) {

    public static Answer of(int status, String body) {
        return new Answer(status, body, true, false);
    }

    public static Answer retryable(int status, String body) {
        return new Answer(status, body, false, false);
    }

    Answer asReplay() {
        return new Answer(status, body, true, true);
    }
}
