package io.herald.subscription.outbox;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A Kafka record waiting to be published: written in the transaction of the change it describes, deleted by
 * {@link OutboxRelay} once the broker acknowledged it. Table {@code outbox} (Flyway V1).
 */
@Entity
@Table(name = "outbox")
public class OutboxEvent {

    /** Taken from a sequence when the row is inserted: the relay publishes in this order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The Kafka key: the id of the endpoint the record describes. */
    @Column(name = "aggregate_id", nullable = false, updatable = false)
    public String aggregateId;

    /**
     * The Kafka value, with its secrets sealed, never logged; null is a tombstone (a deleted endpoint).
     */
    @Column(updatable = false)
    public String payload;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    /** The Kafka topic; null is {@code herald.endpoints} (Flyway V15 added it). */
    @Column(updatable = false)
    public String topic;

    public static OutboxEvent of(String aggregateId, String payload, Instant createdAt) {
        OutboxEvent event = new OutboxEvent();
        event.aggregateId = aggregateId;
        event.payload = payload;
        event.createdAt = createdAt;
        return event;
    }

    @Override
    public String toString() {
        return "OutboxEvent[id=" + id + ", aggregateId=" + aggregateId + "]";
    }
}
