#!/usr/bin/env bash
# Measures the two delivery-log queries of subscription-service on 10 million generated attempts.
#
# Creates a scratch database on a local PostgreSQL, applies the delivery-log migration (V3__*.sql, the attempt table,
# its daily partitions function and indexes), creates ~30 daily partitions, generates ROWS attempts across many
# tenants, endpoints and events with generate_series, ANALYZEs, then prints EXPLAIN (ANALYZE, BUFFERS) and timings
# of GET /v1/endpoints/{id}/attempts and GET /v1/events/{eventId}/attempts as the service issues them (first page
# and a deep cursor page, plus a filtered page) with pgbench latencies, and drops the scratch database.
#
# Usage: bench/delivery-log-explain.sh            (PGHOST/PGPORT/PGUSER override 127.0.0.1/5432/postgres)
#        ROWS=1000000 bench/delivery-log-explain.sh   (a quicker, smaller run)
# Not part of the test suite: the load takes minutes.
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
ROWS="${ROWS:-10000000}"
DAYS="${DAYS:-30}"
ENDPOINTS="${ENDPOINTS:-2000}"   # 10 endpoints per tenant
TENANTS="${TENANTS:-200}"
PAGE="${PAGE:-50}"
RUNS="${RUNS:-500}"
DB="herald_bench_attempts_$$"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MIGRATION="$(ls "$ROOT"/subscription-service/src/main/resources/db/migration/V3__*.sql)"

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

WORK="$(mktemp -d)"
cleanup() { psql -X -q -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== PostgreSQL: $(psql -X -At -d postgres -c 'show server_version'), database $DB on $PGHOST:$PGPORT"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "create database $DB"
psql_db -f "$MIGRATION"

echo "== $DAYS daily partitions ending today (UTC)"
psql_db -At -c "select count(herald_attempt_ensure_partition(d::date))
                from generate_series((now() at time zone 'UTC')::date - ($DAYS - 1), (now() at time zone 'UTC')::date, interval '1 day') d"

echo "== generating $ROWS attempts ($TENANTS tenants, $ENDPOINTS endpoints, 2 attempts per event)"
start=$(date +%s)
psql_db <<SQL
set synchronous_commit = off;
-- Row n: event n/2, attempt n%2+1, endpoint scattered by a multiplicative hash, time rising with n over $DAYS days.
insert into attempt (id, attempted_at, tenant, endpoint_id, event_id, event_type, delivery_id, webhook_id, attempt,
                     outcome, status_code, latency_ms, error, response_excerpt, next_attempt_at)
select g.evt || '.' || g.ep || '.' || g.a, g.ts, g.tenant, g.ep, g.evt, 'order.created', g.evt || '.' || g.ep, g.evt,
       g.a, o.outcome, o.status, 20 + g.n % 400, o.error, case when o.status is not null then '{"ok":true}' end,
       case when o.outcome = 'RETRY_SCHEDULED' then g.ts + interval '5 seconds' end
from (select n, n % 2 + 1 as a,
             'evt_' || (n / 2) as evt,
             'ep_' || ((n / 2) * 7919 % $ENDPOINTS) as ep,
             'tenant_' || ((n / 2) * 7919 % $ENDPOINTS % $TENANTS) as tenant,
             (now() at time zone 'UTC')::date::timestamp at time zone 'UTC' - interval '$((DAYS - 1)) days'
                 + (n::float8 / $ROWS) * interval '$DAYS days' - interval '1 minute' * 0 as ts,
             (n * 2654435761) % 100 as h
      from generate_series(0::bigint, $ROWS - 1) n) g
cross join lateral (select case when g.h < 85 then 'SUCCEEDED' when g.h < 95 then 'RETRY_SCHEDULED'
                                when g.h < 98 then 'EXHAUSTED' else 'DROPPED' end as outcome,
                           case when g.h < 85 then 200 when g.h < 95 then 503 when g.h < 98 then 500 end as status,
                           case when g.h >= 85 then 'HTTP 5xx' end as error) o
where g.ts < now();
SQL
echo "   loaded in $(( $(date +%s) - start )) s"
start=$(date +%s)
psql_db -c "vacuum analyze attempt"
echo "   vacuum analyze in $(( $(date +%s) - start )) s"
psql_db -c "select count(*) as rows, count(distinct tableoid) as partitions, pg_size_pretty(sum(pg_column_size(attempt.*))) as heap_data from attempt"
psql_db -c "select pg_size_pretty(sum(pg_total_relation_size(inhrelid))) as table_plus_indexes from pg_inherits where inhparent = 'attempt'::regclass"

# The endpoint query has no tenant condition, exactly like the service's: the service checks first that the endpoint
# row belongs to the caller's tenant (endpoint ids are unique across tenants), and a redundant tenant condition would
# make the planner multiply two correlated selectivities, expect ~1 row per partition and sort them all.
# The parameters: an endpoint and its tenant, an event in the middle of the range, a cursor half-way through that
# endpoint's attempts (~15 days back; 2,500 rows deep at 10 M rows), and a cursor after the event's newest attempt.
read -r EP TENANT <<<"$(psql_db -At -F ' ' -c "select endpoint_id, tenant from attempt where endpoint_id = 'ep_42' limit 1")"
read -r EVT EVT_TENANT <<<"$(psql_db -At -F ' ' -c "select 'evt_' || ($ROWS / 4), 'tenant_' || (($ROWS / 4)::bigint * 7919 % $ENDPOINTS % $TENANTS)")"
read -r CUR_AT CUR_ID <<<"$(psql_db -At -F ' ' -c "select to_char(attempted_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), id from attempt where endpoint_id = '$EP' order by attempted_at desc, id desc offset (select count(*) / 2 from attempt where endpoint_id = '$EP') limit 1")"
read -r EVT_AT EVT_ID <<<"$(psql_db -At -F ' ' -c "select to_char(attempted_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), id from attempt where tenant = '$EVT_TENANT' and event_id = '$EVT' order by attempted_at desc, id desc limit 1")"
echo "== endpoint $EP (tenant $TENANT), deep cursor ($CUR_AT, $CUR_ID); event $EVT (tenant $EVT_TENANT), cursor ($EVT_AT, $EVT_ID)"

COLS="id, attempted_at, tenant, endpoint_id, event_id, event_type, delivery_id, webhook_id, attempt, outcome, status_code, latency_ms, error, response_excerpt, next_attempt_at"
LIMIT=$((PAGE + 1))
declare -A QUERIES
QUERIES[1_endpoint_first_page]="select $COLS from attempt where endpoint_id = '$EP' order by attempted_at desc, id desc limit $LIMIT"
QUERIES[2_endpoint_deep_cursor_page]="select $COLS from attempt where endpoint_id = '$EP' and attempted_at <= '$CUR_AT' and (attempted_at, id) < ('$CUR_AT', '$CUR_ID') order by attempted_at desc, id desc limit $LIMIT"
QUERIES[3_endpoint_filtered_status_exhausted_last_7_days]="select $COLS from attempt where endpoint_id = '$EP' and attempted_at >= now() - interval '7 days' and attempted_at < now() and outcome = any(array['EXHAUSTED']) order by attempted_at desc, id desc limit $LIMIT"
QUERIES[4_event_first_page]="select $COLS from attempt where tenant = '$EVT_TENANT' and event_id = '$EVT' order by attempted_at desc, id desc limit $LIMIT"
QUERIES[5_event_cursor_page]="select $COLS from attempt where tenant = '$EVT_TENANT' and event_id = '$EVT' and attempted_at <= '$EVT_AT' and (attempted_at, id) < ('$EVT_AT', '$EVT_ID') order by attempted_at desc, id desc limit $LIMIT"

for name in $(printf '%s\n' "${!QUERIES[@]}" | sort); do
  q="${QUERIES[$name]}"
  echo
  echo "================ $name"
  echo "$q"
  psql_db -c "explain (analyze, buffers) $q"
  # Latency over many runs in one session, as prepared statements (the service prepares its queries too, so after a
  # few runs PostgreSQL may use a generic plan with run-time partition pruning and skip planning).
  echo "$q;" > "$WORK/$name.sql"
  echo "-- pgbench, 1 client, $RUNS runs, prepared statements:"
  pgbench -n -M prepared -c 1 -t "$RUNS" -f "$WORK/$name.sql" "$DB" 2>/dev/null | grep -E '^latency average' || true
done
echo
echo "== dropping $DB"
