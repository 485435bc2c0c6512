package io.herald.ingest.idempotency;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code ingest.idempotency_key} table (see db/migration), through the reactive PostgreSQL client. */
@ApplicationScoped
public class IdempotencyRepository {

    /** A row as another request sees it. */
    public record Stored(String fingerprint, boolean done, int status, String body) {
    }

    // Inserts a pending claim, or takes over a row that expired or whose holder's lease ran out; returns a row only
    // when this request now holds the claim.
    private static final String CLAIM = """
            INSERT INTO ingest.idempotency_key
                (tenant, idem_key, fingerprint, claim, state, locked_until, created_at, expires_at)
            VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7)
            ON CONFLICT (tenant, idem_key) DO UPDATE SET
                fingerprint = EXCLUDED.fingerprint, claim = EXCLUDED.claim, state = 'pending',
                locked_until = EXCLUDED.locked_until, status = NULL, body = NULL,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
            WHERE ingest.idempotency_key.expires_at <= $6
               OR (ingest.idempotency_key.state = 'pending' AND ingest.idempotency_key.locked_until <= $6)
            RETURNING claim""";
    private static final String FIND = """
            SELECT fingerprint, state, status, body FROM ingest.idempotency_key
            WHERE tenant = $1 AND idem_key = $2 AND expires_at > $3""";
    private static final String COMPLETE = """
            UPDATE ingest.idempotency_key SET state = 'done', status = $4, body = $5, locked_until = NULL
            WHERE tenant = $1 AND idem_key = $2 AND claim = $3 AND state = 'pending'""";
    private static final String RELEASE = """
            DELETE FROM ingest.idempotency_key WHERE tenant = $1 AND idem_key = $2 AND claim = $3 AND state = 'pending'""";
    private static final String DELETE_EXPIRED = "DELETE FROM ingest.idempotency_key WHERE expires_at <= $1";

    private final Pool pool;

    public IdempotencyRepository(Pool pool) {
        this.pool = pool;
    }

    /** True when this request ({@code claim}) now holds the key. */
    public Uni<Boolean> claim(String tenant, String key, String fingerprint, String claim, Instant now,
            Instant lockedUntil, Instant expiresAt) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.from(
                        new Object[] { tenant, key, fingerprint, claim, odt(lockedUntil), odt(now), odt(expiresAt) }))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The live (unexpired) row of the key, if any. */
    public Uni<Optional<Stored>> find(String tenant, String key, Instant now) {
        return pool.preparedQuery(FIND).execute(Tuple.of(tenant, key, odt(now))).map(IdempotencyRepository::first);
    }

    /** Stores the answer of the request holding {@code claim}; false when it no longer holds it. */
    public Uni<Boolean> complete(String tenant, String key, String claim, int status, String body) {
        return pool.preparedQuery(COMPLETE).execute(Tuple.of(tenant, key, claim, status, body))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Gives the key up (its request failed in a way the producer should retry). */
    public Uni<Void> release(String tenant, String key, String claim) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(tenant, key, claim)).replaceWithVoid();
    }

    /** Deletes every expired key; returns how many. */
    public Uni<Integer> deleteExpired(Instant now) {
        return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(odt(now))).map(RowSet::rowCount);
    }

    private static Optional<Stored> first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        Integer status = row.getInteger("status");
        return Optional.of(new Stored(row.getString("fingerprint"), "done".equals(row.getString("state")),
                status == null ? 0 : status, row.getString("body")));
    }

    private static OffsetDateTime odt(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
