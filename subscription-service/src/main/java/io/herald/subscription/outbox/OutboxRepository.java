package io.herald.subscription.outbox;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.subscription.secret.SecretCipher;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Outbox rows. Writers call {@link #append} inside their own transaction; the relay uses the rest. */
@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxEvent> {

    private final SecretCipher cipher;

    public OutboxRepository(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * Key of the transaction-scoped advisory lock that makes one relay at a time, across every replica, publish the
     * outbox ("herald.outbox" as a number; any constant unique within the database would do).
     */
    static final long RELAY_LOCK_KEY = 0x6865_7261_6c64_6f62L;

    /**
     * Adds a record to publish; a null payload is a tombstone. Call it after the change it describes was flushed, so
     * the row lock taken by that change orders outbox ids of one endpoint by commit. The payload carries plaintext
     * signing secrets, so it is stored encrypted ({@link SecretCipher}, bound to the aggregate id) and decrypted only
     * by the relay on its way to Kafka.
     */
    public Uni<OutboxEvent> append(String aggregateId, String payload, Instant now) {
        return persist(OutboxEvent.of(aggregateId, cipher.encrypt(payload, aggregateId), now));
    }

    /** As {@link #append(String, String, Instant)}, for a record of another topic than {@code herald.endpoints}. */
    public Uni<OutboxEvent> append(String key, String payload, Instant now, String topic) {
        OutboxEvent event = OutboxEvent.of(key, cipher.encrypt(payload, key), now);
        event.topic = topic;
        return persist(event);
    }

    /** The Kafka value of a row: its payload decrypted, or null for a tombstone. */
    String payloadOf(OutboxEvent row) {
        return cipher.decrypt(row.payload, row.aggregateId);
    }

    /** True if this transaction now holds the relay lock; released at commit or rollback. Never waits. */
    Uni<Boolean> tryRelayLock() {
        return getSession().chain(session -> session
                .createNativeQuery("select pg_try_advisory_xact_lock(" + RELAY_LOCK_KEY + ")", Boolean.class)
                .getSingleResult());
    }

    /** The oldest rows, in id order. */
    Uni<List<OutboxEvent>> nextBatch(int size) {
        return findAll(Sort.by("id")).page(0, size).list();
    }

    Uni<Long> deleteByIds(List<Long> ids) {
        return delete("id in ?1", ids);
    }
}
