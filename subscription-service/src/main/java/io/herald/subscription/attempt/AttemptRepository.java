package io.herald.subscription.attempt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.ReceiverText;
import io.herald.contracts.tracing.TraceContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code attempt} table (Flyway V3) through the reactive SQL client: a partitioned table, multi-row inserts and
 * keyset queries are plain SQL, not entities. Every read takes the tenant.
 */
@ApplicationScoped
public class AttemptRepository {

    private static final String COLUMNS = "id, attempted_at, tenant, endpoint_id, event_id, event_type, delivery_id, "
            + "webhook_id, attempt, outcome, status_code, latency_ms, error, response_excerpt, next_attempt_at, trace_id";

    /**
     * One statement per batch: the rows travel as one array per column. A row whose (id, attempted_at) is already there
     * (the topic was consumed again) is skipped, as is a repeat inside the batch.
     */
    private static final String INSERT = "insert into attempt (" + COLUMNS + ") select * from unnest("
            + "$1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
            + "$9::int4[], $10::text[], $11::int4[], $12::int8[], $13::text[], $14::text[], $15::timestamptz[], "
            + "$16::text[]) " + "on conflict do nothing";

    private final Pool pool;

    public AttemptRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Inserts the attempts, skipping those already stored; answers how many rows were new. Every text value is made
     * safe first ({@link ReceiverText}): a NUL or an unpaired surrogate from a receiver would make PostgreSQL refuse
     * the whole statement.
     */
    public Uni<Integer> insert(List<AttemptMessage> attempts) {
        int n = attempts.size();
        String[] id = new String[n], tenant = new String[n], endpoint = new String[n], event = new String[n],
                eventType = new String[n], delivery = new String[n], webhook = new String[n], outcome = new String[n],
                error = new String[n], excerpt = new String[n], traceId = new String[n];
        OffsetDateTime[] attemptedAt = new OffsetDateTime[n], nextAt = new OffsetDateTime[n];
        Integer[] attempt = new Integer[n], statusCode = new Integer[n];
        Long[] latency = new Long[n];
        for (int i = 0; i < n; i++) {
            AttemptMessage a = attempts.get(i);
            id[i] = ReceiverText.sanitize(a.id());
            attemptedAt[i] = utc(a.attemptedAt());
            tenant[i] = ReceiverText.sanitize(a.tenant());
            endpoint[i] = ReceiverText.sanitize(a.endpointId());
            event[i] = ReceiverText.sanitize(a.eventId());
            eventType[i] = ReceiverText.sanitize(a.eventType());
            delivery[i] = ReceiverText.sanitize(a.deliveryId());
            webhook[i] = ReceiverText.sanitize(a.webhookId());
            attempt[i] = a.attempt();
            outcome[i] = a.outcome() == null ? null : a.outcome().name();
            statusCode[i] = a.statusCode();
            latency[i] = a.latencyMs();
            error[i] = ReceiverText.sanitize(a.error());
            excerpt[i] = ReceiverText.sanitize(a.responseExcerpt());
            nextAt[i] = utc(a.nextAttemptAt());
            traceId[i] = TraceContext.isTraceId(a.traceId()) ? a.traceId() : null;
        }
        Tuple params = Tuple.tuple().addArrayOfString(id).addArrayOfOffsetDateTime(attemptedAt).addArrayOfString(tenant)
                .addArrayOfString(endpoint).addArrayOfString(event).addArrayOfString(eventType)
                .addArrayOfString(delivery).addArrayOfString(webhook).addArrayOfInteger(attempt)
                .addArrayOfString(outcome).addArrayOfInteger(statusCode).addArrayOfLong(latency).addArrayOfString(error)
                .addArrayOfString(excerpt).addArrayOfOffsetDateTime(nextAt).addArrayOfString(traceId);
        return pool.preparedQuery(INSERT).execute(params).map(rows -> rows.rowCount());
    }

    /** Creates the partition of this UTC day unless it exists. */
    public Uni<Void> ensurePartition(LocalDate day) {
        return pool.preparedQuery("select herald_attempt_ensure_partition($1)").execute(Tuple.of(day))
                .replaceWithVoid();
    }

    /** Names of the day partitions that ended before {@code cutoff}, oldest first, with their detach-pending flag. */
    public Uni<List<ExpiredPartition>> expiredPartitions(Instant cutoff) {
        return pool.preparedQuery("select partition_name, detach_pending from herald_attempt_expired_partitions($1)")
                .execute(Tuple.of(utc(cutoff))).map(rows -> {
                    List<ExpiredPartition> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new ExpiredPartition(row.getString(0), row.getBoolean(1)));
                    }
                    return result;
                });
    }

    /**
     * Detaches the partition without blocking readers or writers of the other days (DETACH CONCURRENTLY takes only a
     * SHARE UPDATE EXCLUSIVE lock on {@code attempt}), then drops it; waits at most {@code lockTimeoutMs} for a lock.
     * Runs outside a transaction, as DETACH CONCURRENTLY must. A detach an earlier run left half-done is finalized.
     */
    public Uni<Void> dropPartition(ExpiredPartition partition, long lockTimeoutMs) {
        String table = quoteIdentifier(partition.name());
        String detach = "alter table attempt detach partition " + table
                + (partition.detachPending() ? " finalize" : " concurrently");
        return pool.withConnection(connection -> run(connection, "set lock_timeout = " + lockTimeoutMs)
                .chain(() -> run(connection, detach)).chain(() -> run(connection, "drop table " + table))
                .eventually(() -> run(connection, "reset lock_timeout").onFailure().recoverWithNull()));
    }

    /** True if the endpoint exists and belongs to the tenant. */
    public Uni<Boolean> endpointBelongsTo(String tenant, String endpointId) {
        return pool.preparedQuery("select exists (select 1 from endpoint where id = $1 and tenant = $2)")
                .execute(Tuple.of(endpointId, tenant)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    /**
     * Up to {@code limit} attempts, newest first, after the query's cursor. An endpoint query must only be run after
     * {@link #endpointBelongsTo} confirmed the endpoint is the query's tenant's.
     */
    public Uni<List<AttemptResponse>> list(AttemptQuery query, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from attempt where ");
        // The scope first: the leading columns of attempt_endpoint_idx / attempt_tenant_event_idx.
        if (query.endpointId() != null) {
            // No tenant condition: the caller checked the endpoint row is the tenant's, and endpoint ids are unique.
            // A redundant, fully correlated tenant condition makes the planner expect ~1 row per partition and pick
            // a scan-everything-then-sort plan (see bench/delivery-log-explain.sh).
            sql.append("endpoint_id = ").append(param(params, query.endpointId()));
        } else {
            sql.append("tenant = ").append(param(params, query.tenant()));
            sql.append(" and event_id = ").append(param(params, query.eventId()));
        }
        if (query.from() != null) {
            sql.append(" and attempted_at >= ").append(param(params, utc(query.from())));
        }
        if (query.to() != null) {
            sql.append(" and attempted_at < ").append(param(params, utc(query.to())));
        }
        if (query.after() != null) {
            String time = param(params, utc(query.after().time()));
            // The plain bound lets the planner prune partitions; the row comparison is the exact keyset position.
            sql.append(" and attempted_at <= ").append(time).append(" and (attempted_at, id) < (").append(time)
                    .append(", ").append(param(params, query.after().id())).append(')');
        }
        AttemptStatusFilter status = query.status();
        if (!status.outcomes().isEmpty()) {
            String[] names = status.outcomes().stream().map(Enum::name).toArray(String[]::new);
            sql.append(" and outcome = any(").append(param(params, names)).append("::text[])");
        }
        if (!status.httpStatuses().isEmpty()) {
            List<String> ranges = new ArrayList<>();
            for (AttemptStatusFilter.HttpStatusRange range : status.httpStatuses()) {
                ranges.add("status_code between " + range.from() + " and " + range.to());
            }
            sql.append(" and (").append(String.join(" or ", ranges)).append(')');
        }
        sql.append(" order by attempted_at desc, id desc limit ").append(param(params, limit));
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<AttemptResponse> result = new ArrayList<>();
            for (Row row : rows) {
                result.add(toResponse(row));
            }
            return result;
        });
    }

    private static AttemptResponse toResponse(Row row) {
        String outcome = row.getString("outcome");
        return new AttemptResponse(row.getString("id"), row.getString("delivery_id"), row.getString("webhook_id"),
                row.getString("endpoint_id"), row.getString("event_id"), row.getString("event_type"),
                row.getInteger("attempt"), outcome == null ? null : outcome.toLowerCase(java.util.Locale.ROOT),
                row.getInteger("status_code"), row.getLong("latency_ms"), row.getString("error"),
                row.getString("response_excerpt"), instant(row.getOffsetDateTime("attempted_at")),
                instant(row.getOffsetDateTime("next_attempt_at")), row.getString("trace_id"));
    }

    private static String param(List<Object> params, Object value) {
        params.add(value);
        return "$" + params.size();
    }

    private static Uni<Void> run(SqlConnection connection, String sql) {
        return connection.query(sql).execute().replaceWithVoid();
    }

    private static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /** A day partition past the retention; {@code detachPending} when an earlier detach was interrupted. */
    public record ExpiredPartition(String name, boolean detachPending) {
    }
}
