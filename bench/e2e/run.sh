#!/usr/bin/env bash
# The end-to-end benchmark (see docs/benchmarks.md, "End to end"), in one run on this machine:
#   1. raw limits: Kafka's ProducerPerformance (1 KiB, acks=all) on a real broker, and wrk against the receiver alone;
#   2. pipeline throughput: 100 endpoints of 10 tenants registered through subscription-service, open-loop load on
#      ingest at increasing rates, sustained deliveries/s while dispatch's consumer lag stays bounded; fan-out 1 and 10;
#   3. latency at 1,000 events/s: scheduled send -> webhook arrival, p50/p99/p99.9 (HdrHistogram);
#   4. isolation: the same load with 20 % of the endpoints hanging and 10 % answering 500, twice: every endpoint on
#      its own port, then (on fresh endpoints) each tenant's endpoints behind one host:port;
#   5. footprint: RSS of each service at idle and under step 2's load;
# then prints the table and writes it, with a latency-vs-load PNG, to bench/e2e/target/run-<id>/.
#
#   bench/e2e/run.sh                 builds what is missing (service jars, the harness), then runs (~14-17 min)
#   BENCH_QUICK=1 bench/e2e/run.sh   a short run (~5 min) with fewer, shorter steps
#   BENCH_REBUILD=1 bench/e2e/run.sh rebuilds the harness first
# Knobs (environment, defaults in BenchE2E.java and docs/benchmarks.md): BENCH_STEP_SECONDS, BENCH_RATES_FANOUT1,
# BENCH_RATES_FANOUT10, BENCH_LATENCY_RATE, BENCH_LATENCY_SECONDS, BENCH_WARMUP_SECONDS, BENCH_RAW_RECORDS,
# BENCH_WRK_SECONDS, BENCH_DRAIN_SECONDS, BENCH_SETTLE_SECONDS, BENCH_ISOLATION_WARMUP_SECONDS, BENCH_MAX_LAG_SECONDS, BENCH_HANG_PERCENT, BENCH_ERROR_PERCENT,
# BENCH_DISPATCH_TIMEOUT_MS, BENCH_RETRY_SCHEDULE_MS, BENCH_TENANTS, BENCH_ENDPOINTS_PER_TENANT, BENCH_PARTITIONS,
# BENCH_EVENT_BYTES, BENCH_CONNECTIONS, BENCH_DISPATCH_REPLICAS, BENCH_SERVICE_JVM_ARGS, BENCH_<INGEST|SUBSCRIPTION|DISPATCH>_ENV_<NAME>=<value>.
set -euo pipefail
command_line="bench/e2e/run.sh${*:+ $*}"
cd "$(dirname "$0")/../.."

if [[ -n "${BENCH_QUICK:-}" ]]; then
    export BENCH_STEP_SECONDS="${BENCH_STEP_SECONDS:-8}" BENCH_LATENCY_SECONDS="${BENCH_LATENCY_SECONDS:-15}"
    export BENCH_WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-5}" BENCH_RAW_RECORDS="${BENCH_RAW_RECORDS:-100000}"
    export BENCH_WRK_SECONDS="${BENCH_WRK_SECONDS:-5}" BENCH_DRAIN_SECONDS="${BENCH_DRAIN_SECONDS:-20}"
    export BENCH_RATES_FANOUT1="${BENCH_RATES_FANOUT1:-500,1000,2000,4000}"
    export BENCH_RATES_FANOUT10="${BENCH_RATES_FANOUT10:-50,100,200,400}"
fi

if ! command -v wrk >/dev/null 2>&1; then
    echo "[bench] installing wrk (Debian package)"
    apt-get install -y wrk >/dev/null
fi

mvn_args=(-B -q -DskipTests -Dquarkus.analytics.disabled=true)
missing=()
for module in ingest-service subscription-service dispatch-service; do
    [[ -f "$module/target/quarkus-app/quarkus-run.jar" ]] || missing+=("$module")
done
if ((${#missing[@]})); then
    echo "[bench] packaging ${missing[*]}"
    ./mvnw "${mvn_args[@]}" package -pl "$(IFS=,; echo "${missing[*]}")" -am
fi
if [[ -n "${BENCH_REBUILD:-}" || ! -d bench/e2e/target/lib || ! -d bench/e2e/target/classes/io/herald/bench/e2e ]]; then
    echo "[bench] building the harness (bench/e2e)"
    ./mvnw "${mvn_args[@]}" package -pl bench/e2e -am
fi

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" -Xmx512m -XX:+UseParallelGC -Djava.awt.headless=true -Dherald.repo.dir="$PWD" \
    -Dherald.bench.command="$command_line" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "bench/e2e/target/classes:bench/e2e/target/lib/*" io.herald.bench.e2e.BenchE2E
