package io.herald.ingest.event;

/** The answer to an accepted event: Kafka has stored it under this id. */
public record EventAccepted(String id) {
}
