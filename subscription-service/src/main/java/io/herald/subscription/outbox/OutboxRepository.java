package io.herald.subscription.outbox;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.secret.SecretCipher;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Outbox rows. Writers call {@link #append} inside their own transaction; the relay uses the rest. */
@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxEvent> {

    private final SecretCipher cipher;
    private final MessageJson json;

    public OutboxRepository(SecretCipher cipher, MessageJson json) {
        this.cipher = cipher;
        this.json = json;
    }

    /**
     * Key of the transaction-scoped advisory lock that makes one relay at a time, across every replica, publish the
     * outbox ("herald.outbox" as a number; any constant unique within the database would do).
     */
    static final long RELAY_LOCK_KEY = 0x6865_7261_6c64_6f62L;

    /**
     * Adds a record to publish; a null payload is a tombstone. Call it after the change it describes was flushed, so
     * the row lock taken by that change orders outbox ids of one endpoint by commit. The payload is the Kafka value as
     * it is published: its secrets are already sealed ({@code EndpointState.sealed}).
     */
    public Uni<OutboxEvent> append(String aggregateId, String payload, Instant now) {
        return persist(OutboxEvent.of(aggregateId, payload, now));
    }

    /**
     * As {@link #append(String, String, Instant)}, for a record of another topic than {@code herald.endpoints}; its
     * payload holds no secret (an event type, a tenant's settings) and is stored as published.
     */
    public Uni<OutboxEvent> append(String key, String payload, Instant now, String topic) {
        OutboxEvent event = OutboxEvent.of(key, payload, now);
        event.topic = topic;
        return persist(event);
    }

    /**
     * The Kafka value of a row, or null for a tombstone. A row written before states were sealed field by field holds
     * the whole plaintext state sealed ({@link SecretCipher}): it is opened and published sealed field by field.
     */
    String payloadOf(OutboxEvent row) {
        if (row.payload == null || row.payload.startsWith("{")) {
            return row.payload;
        }
        EndpointState legacy = json.read(cipher.decrypt(row.payload, row.aggregateId), EndpointState.class);
        return json.write(legacy.sealed(cipher.keyring()));
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
