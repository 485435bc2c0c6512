#!/usr/bin/env bash
# The ingest benchmark, in one run on this machine (see docs/benchmarks.md, "Ingest"):
#   1. a real single-node Kafka (devstack's KafkaBroker, a child JVM) with Herald's topics, 3 partitions each;
#   2. Kafka's ProducerPerformance for the raw limit: 1 KiB records, acks=all, idempotent, linger.ms=5 (Kafka's default);
#   3. the packaged ingest-service (prod profile, -Xmx256m -XX:+UseSerialGC) on that broker and PostgreSQL;
#   4. wrk: a warm-up, then POST /v1/events with 1 KiB bodies and a valid token, 2 threads, 64 connections, 30 s;
#   5. wrk again at about half the peak rate (paced connections, see post-event.lua) for latency;
#   6. for comparison, the same 1 KiB events 100 at a time through POST /v1/events/batch (post-batch.lua), 8 connections;
# then prints events/s, p50/p99/p99.9, the ratio to the raw rate, ingest's RSS, and 202s vs records in herald.events.
#
#   bench/ingest/run.sh            uses the jars already built; builds only what is missing
#   BENCH_SECONDS=10 BENCH_JFR=1 bench/ingest/run.sh     shorter runs, and a JFR recording of ingest
# Environment: BENCH_THREADS (2), BENCH_CONNECTIONS (64), BENCH_SECONDS (30), BENCH_WARMUP_SECONDS (10),
# BENCH_PACED_CONNECTIONS (32), BENCH_RAW_RECORDS (300000), BENCH_INGEST_JVM_ARGS, BENCH_JFR, HERALD_TEST_DB_URL,
# BENCH_PROFILER=<path to async-profiler's libasyncProfiler.so> (CPU profile of ingest during the peak run only,
# written as collapsed stacks to ingest-peak.collapsed),
# BENCH_INGEST_ENV_<NAME>=<value> (passed to ingest as <NAME>, e.g. BENCH_INGEST_ENV_MP_MESSAGING_OUTGOING_EVENTS_LINGER_MS=1),
# BENCH_SCHEMA_FIELDS=20 (instead of the runs above: peak runs of one body as an unregistered type and as a type with a
# 20-field JSON schema, alternating, and the cost of enforcing the schema; docs/benchmarks.md "Event schemas").
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v wrk >/dev/null 2>&1; then
    echo "[bench] installing wrk (Debian package)"
    apt-get install -y wrk >/dev/null
fi

if [[ ! -f ingest-service/target/quarkus-app/quarkus-run.jar ]]; then
    echo "[bench] packaging ingest-service"
    ./mvnw -B -q -DskipTests package -pl ingest-service -am
fi
if [[ ! -f devstack/target/classes/io/herald/devstack/kafka-classpath.txt || ! -d devstack/target/lib ]]; then
    echo "[bench] building devstack"
    ./mvnw -B -q -DskipTests package -pl devstack -am
fi

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Java runs the harness straight from its source file on devstack's classpath (KafkaBroker, ServiceProcess, ...).
exec "$java_bin" -Xmx256m -Dherald.repo.dir="$PWD" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "devstack/target/classes:devstack/target/lib/*" bench/ingest/BenchIngest.java
