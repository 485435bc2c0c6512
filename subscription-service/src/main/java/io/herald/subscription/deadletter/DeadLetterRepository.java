package io.herald.subscription.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.ReceiverText;
import io.herald.subscription.paging.KeysetCursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code dead_letter} table (Flyway V4) through the reactive SQL client. Every read takes the tenant. */
@ApplicationScoped
public class DeadLetterRepository {

    private static final String COLUMNS = "id, tenant, endpoint_id, delivery_id, webhook_id, event_id, event_type, "
            + "attempts, last_status_code, last_error, dead_at, delivery, replayed_at, reason";

    /**
     * Skips a dead letter already stored (same delivery and dead_at: the topic consumed again) and one whose delivery
     * still has a pending dead letter (see V4); a conflict on any unique index does nothing.
     */
    private static final String INSERT = "insert into dead_letter (" + COLUMNS + ", received_at) "
            + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, null, $13, $14) on conflict do nothing";

    private final Pool pool;
    private final MessageJson json;

    public DeadLetterRepository(Pool pool, MessageJson json) {
        this.pool = pool;
        this.json = json;
    }

    public Pool pool() {
        return pool;
    }

    /**
     * Stores the dead letters (one pipelined round trip); answers how many were new. Text columns are made safe first
     * ({@link ReceiverText}: the last error may quote a receiver); the delivery is stored as JSON, where a NUL is an
     * escape sequence.
     */
    public Uni<Integer> insert(List<DeadLetterMessage> letters, Instant now) {
        List<Tuple> rows = new ArrayList<>(letters.size());
        for (DeadLetterMessage letter : letters) {
            DeliveryMessage delivery = letter.delivery();
            rows.add(Tuple.tuple().addString(id(delivery.id(), letter.deadAt()))
                    .addString(ReceiverText.sanitize(delivery.tenant()))
                    .addString(ReceiverText.sanitize(delivery.endpointId()))
                    .addString(ReceiverText.sanitize(delivery.id()))
                    .addString(ReceiverText.sanitize(delivery.webhookId()))
                    .addString(ReceiverText.sanitize(delivery.eventId()))
                    .addString(ReceiverText.sanitize(delivery.eventType())).addInteger(delivery.attempts())
                    .addInteger(letter.lastStatusCode()).addString(ReceiverText.sanitize(letter.lastError()))
                    .addOffsetDateTime(utc(letter.deadAt())).addString(json.write(delivery))
                    .addString(letter.reasonOrDefault().name()).addOffsetDateTime(utc(now)));
        }
        return pool.preparedQuery(INSERT).executeBatch(rows).map(DeadLetterRepository::rowCountOfBatch);
    }

    /** A page of the tenant's dead letters, newest first; a null filter (endpoint, replayed, reason) is no filter. */
    public Uni<List<DeadLetter>> list(String tenant, String endpointId, Boolean replayed, DeadLetterReason reason,
            KeysetCursor after, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from dead_letter where ");
        if (endpointId != null) {
            sql.append("endpoint_id = ").append(param(params, endpointId)).append(" and ");
        }
        sql.append("tenant = ").append(param(params, tenant));
        if (replayed != null) {
            sql.append(replayed ? " and replayed_at is not null" : " and replayed_at is null");
        }
        if (reason != null) {
            sql.append(" and reason = ").append(param(params, reason.name()));
        }
        if (after != null) {
            sql.append(" and (dead_at, id) < (").append(param(params, utc(after.time()))).append(", ")
                    .append(param(params, after.id())).append(')');
        }
        sql.append(" order by dead_at desc, id desc limit ").append(param(params, limit));
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(DeadLetterRepository::letters);
    }

    /**
     * Whether the tenant's endpoint is enabled, read in {@code client} (a transaction or the pool); null when the
     * tenant has no such endpoint.
     */
    public Uni<Boolean> endpointEnabled(SqlClient client, String tenant, String endpointId) {
        return client.preparedQuery("select enabled from endpoint where id = $1 and tenant = $2")
                .execute(Tuple.of(endpointId, tenant)).map(rows -> {
                    var found = rows.iterator();
                    return found.hasNext() ? found.next().getBoolean(0) : null;
                });
    }

    /** True while a change of the endpoint waits in the outbox, not yet on {@code herald.endpoints}. */
    public Uni<Boolean> endpointChangePending(String endpointId) {
        return pool.preparedQuery("select exists (select 1 from outbox where aggregate_id = $1)")
                .execute(Tuple.of(endpointId)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** The tenant's dead letter, locked for this transaction (a concurrent replay waits), or null. */
    public Uni<DeadLetter> lockForTenant(SqlClient transaction, String tenant, String id) {
        return transaction
                .preparedQuery("select " + COLUMNS + " from dead_letter where id = $1 and tenant = $2 for update")
                .execute(Tuple.of(id, tenant)).map(rows -> {
                    List<DeadLetter> found = letters(rows);
                    return found.isEmpty() ? null : found.get(0);
                });
    }

    /**
     * Up to {@code limit} pending dead letters of the endpoint since {@code since}, oldest first, locked for this
     * transaction; rows another transaction is replaying are skipped, it replays them.
     */
    public Uni<List<DeadLetter>> lockPending(SqlClient transaction, String tenant, String endpointId, Instant since,
            int limit) {
        return transaction.preparedQuery("select " + COLUMNS
                + " from dead_letter where endpoint_id = $1 and tenant = $2"
                + " and replayed_at is null and dead_at >= $3 order by dead_at, id limit $4 for update skip locked")
                .execute(Tuple.of(endpointId, tenant, utc(since), limit)).map(DeadLetterRepository::letters);
    }

    public Uni<Void> markReplayed(SqlClient transaction, List<String> ids, Instant at) {
        return transaction.preparedQuery("update dead_letter set replayed_at = $1 where id = any($2::text[])")
                .execute(Tuple.of(utc(at), ids.toArray(String[]::new))).replaceWithVoid();
    }

    /**
     * The dead letter's id: derived from the delivery id and the time it died, so consuming the topic again yields the
     * same id, and a delivery that dies again after a replay gets a new one.
     */
    static String id(String deliveryId, Instant deadAt) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(
                    (deliveryId + "\n" + deadAt.truncatedTo(ChronoUnit.MICROS)).getBytes(StandardCharsets.UTF_8));
            return "dl_" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static List<DeadLetter> letters(RowSet<Row> rows) {
        List<DeadLetter> result = new ArrayList<>();
        for (Row row : rows) {
            result.add(new DeadLetter(row.getString("id"), row.getString("tenant"), row.getString("endpoint_id"),
                    row.getString("delivery_id"), row.getString("webhook_id"), row.getString("event_id"),
                    row.getString("event_type"), row.getInteger("attempts"), row.getInteger("last_status_code"),
                    row.getString("last_error"), instant(row.getOffsetDateTime("dead_at")), row.getString("delivery"),
                    instant(row.getOffsetDateTime("replayed_at")), reason(row.getString("reason"))));
        }
        return result;
    }

    /** The stored reason; one this version does not know reads as the default, like a record without one. */
    private static DeadLetterReason reason(String name) {
        try {
            return name == null ? DeadLetterReason.EXHAUSTED : DeadLetterReason.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return DeadLetterReason.EXHAUSTED;
        }
    }

    private static int rowCountOfBatch(RowSet<Row> first) {
        int count = 0;
        for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
            count += rows.rowCount();
        }
        return count;
    }

    private static String param(List<Object> params, Object value) {
        params.add(value);
        return "$" + params.size();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
