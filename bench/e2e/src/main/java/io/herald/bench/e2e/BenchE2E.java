package io.herald.bench.e2e;

import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.herald.contracts.Topics;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The end-to-end benchmark, run by {@code bench/e2e/run.sh}. On one machine: a Kafka broker, PostgreSQL and the three
 * packaged services as processes; in this JVM the webhook receiver ({@link Receiver}) and an open-loop load generator
 * ({@link LoadGenerator}). It measures the raw limits (Kafka's ProducerPerformance, wrk against the receiver alone),
 * sustained deliveries per second at fan-out 1 and 10, latency at 1,000 events/s, isolation from hanging and failing
 * endpoints (each endpoint on its own port, then each tenant's endpoints behind one host:port), and each service's RSS;
 * writes {@code results.md} and {@code latency-vs-load.png} to {@code bench/e2e/target/run-<id>/} and prints the table.
 */
public final class BenchE2E {

    static final String FANOUT_GROUP = "herald-dispatch-fanout";
    static final String DELIVERY_GROUP = "herald-dispatch-delivery";
    /** The harness's own process in the CPU figures. */
    static final String HARNESS = "harness (receiver + load)";
    static final String RAW_TOPIC = "bench.raw";
    static final String SECRET = "herald-bench-e2e-hs256-secret-0123456789abcdef";
    static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    static final ObjectMapper JSON = new ObjectMapper();

    // Knobs (environment), see docs/benchmarks.md "End to end".
    final int tenants = intEnv("BENCH_TENANTS", 10);
    final int endpointsPerTenant = intEnv("BENCH_ENDPOINTS_PER_TENANT", 10);
    final int partitions = intEnv("BENCH_PARTITIONS", 3);
    final int eventBytes = intEnv("BENCH_EVENT_BYTES", 1024);
    final int rawRecords = intEnv("BENCH_RAW_RECORDS", 300_000);
    final int wrkSeconds = intEnv("BENCH_WRK_SECONDS", 15);
    final int warmupSeconds = intEnv("BENCH_WARMUP_SECONDS", 15);
    final int stepSeconds = intEnv("BENCH_STEP_SECONDS", 20);
    final double[] ratesFanOut1 = doublesEnv("BENCH_RATES_FANOUT1", "250,500,1000,1500,2000,3000,4000,6000");
    final double[] ratesFanOut10 = doublesEnv("BENCH_RATES_FANOUT10", "25,50,100,150,200,300,400,600");
    final double latencyRate = doubleEnv("BENCH_LATENCY_RATE", 1000);
    final int latencySeconds = intEnv("BENCH_LATENCY_SECONDS", 60);
    /** Step 3's stage-by-stage breakdown ({@link Stages}), once measured. */
    String stageTable;
    final int drainSeconds = intEnv("BENCH_DRAIN_SECONDS", 60);
    final double maxLagSeconds = doubleEnv("BENCH_MAX_LAG_SECONDS", 3);
    final int hangPercent = intEnv("BENCH_HANG_PERCENT", 20);
    final int errorPercent = intEnv("BENCH_ERROR_PERCENT", 10);
    final int connections = intEnv("BENCH_CONNECTIONS", 128);
    final String requestTimeoutMs = env("BENCH_DISPATCH_TIMEOUT_MS", "2000");
    /**
     * Dispatch processes sharing the work through their consumer groups, each with a transactional id of its own (the
     * scaling figures; with more than one, dispatch's stage timers and timeline come from the first).
     */
    final int dispatchReplicas = intEnv("BENCH_DISPATCH_REPLICAS", 1);
    final String retryScheduleMs = env("BENCH_RETRY_SCHEDULE_MS", "1000,2000");
    /**
     * After an isolation step drained: how long healthy arrivals must stop before the step's deliveries are counted, so
     * late retries of healthy deliveries count (default: the retry schedule plus one request timeout per attempt).
     */
    final int settleSeconds = intEnv("BENCH_SETTLE_SECONDS", defaultSettleSeconds(requestTimeoutMs, retryScheduleMs));
    /**
     * Seconds of step 3's isolation load on endpoints thrown away afterwards, before the measured isolation runs (0:
     * none). Until then dispatch never timed out, retried, opened a breaker or postponed a delivery, and its JIT
     * compiles those paths during the first isolation run (a JFR recording showed C2 compiling ~570 ms a second through
     * that run against ~30 ms during step 3): what an instance that has been up for a while has long done.
     */
    final int isolationWarmupSeconds = intEnv("BENCH_ISOLATION_WARMUP_SECONDS", 30);

    final Path repo = ServiceProcess.repoRoot();
    final Path work = repo.resolve("bench/e2e/target").resolve("run-" + UUID.randomUUID().toString().substring(0, 8));
    final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    final Map<String, Long> rssIdle = new LinkedHashMap<>();
    final Map<String, Long> rssLoad = new LinkedHashMap<>();
    final StringBuilder notes = new StringBuilder();
    /** CPU used per process during each step, in CPUs (1.0 = one core busy). */
    final Map<String, Map<String, Double>> cpuShare = new LinkedHashMap<>();
    KafkaBroker kafka;
    /** The receiver the endpoints point at now; {@link #receivers} holds every one started, for closing. */
    Receiver receiver;
    final List<Receiver> receivers = new ArrayList<>();
    LoadGenerator load;
    ConsumerLag lag;

    /** One load step: what was offered and accepted, what arrived, the lag, the latency. */
    record Step(String name, int fanOut, double rate, LoadGenerator.Result load, double deliveredPerSecond,
            long fanOutLagEnd, long deliveryLagEnd, long lagMax, double lagSecondsEnd, double drainSeconds,
            Histogram latency, Map<String, Double> cpu) {

        /** CPU per delivery during the load, in microseconds, summed over Herald's processes and the broker. */
        double cpuMicrosPerDelivery() {
            double cores = cpu.entrySet().stream().filter(e -> !e.getKey().equals(HARNESS))
                    .mapToDouble(Map.Entry::getValue).sum();
            return deliveredPerSecond <= 0 ? Double.NaN : 1e6 * cores / deliveredPerSecond;
        }

        double offeredDeliveries() {
            return rate * fanOut;
        }

        double acceptedPerSecond() {
            return load.accepted() / load.seconds();
        }

        long lost() {
            return load.rejected() + load.failed() + load.skipped();
        }

        boolean sustained(double maxLagSeconds) {
            return deliveredPerSecond >= 0.9 * offeredDeliveries() && lagSecondsEnd <= maxLagSeconds
                    && lost() <= 0.01 * (load.sent() + load.skipped());
        }
    }

    /**
     * One isolation run: its step, and what each endpoint was owed and received from the step's start until healthy
     * arrivals stopped ({@code settleSeconds} after the drain). {@code latency} is the step's plus the late arrivals'.
     */
    record Isolation(String name, String shortName, int listeners, Step step, int[] modes, long[] owed, long[] arrivals,
            Histogram latency, double settledSeconds, long[] lateBySecond) {

        /**
         * When the late healthy webhooks (over 500 ms) were sent: the seconds of the step with any, as
         * {@code +<second> s: <count>}, at most the ten with most; "none" if there were none.
         */
        String lateSeconds() {
            long total = Arrays.stream(lateBySecond).sum();
            if (total == 0) {
                return "none";
            }
            String seconds = java.util.stream.IntStream.range(0, lateBySecond.length).boxed()
                    .filter(i -> lateBySecond[i] > 0).sorted((a, b) -> Long.compare(lateBySecond[b], lateBySecond[a]))
                    .limit(10).sorted().map(i -> String.format(Locale.ROOT, "+%d s: %,d", i, lateBySecond[i]))
                    .collect(java.util.stream.Collectors.joining(", "));
            long spread = Arrays.stream(lateBySecond).filter(n -> n > 0).count();
            return String.format(Locale.ROOT, "%,d late in %d seconds of sending; most in %s", total, spread, seconds);
        }

        long endpoints(Receiver.Mode mode) {
            return Arrays.stream(modes).filter(m -> m == mode.ordinal()).count();
        }

        long requests(Receiver.Mode mode) {
            long sum = 0;
            for (int i = 0; i < modes.length; i++) {
                sum += modes[i] == mode.ordinal() ? arrivals[i] : 0;
            }
            return sum;
        }

        long healthyOwed() {
            long sum = 0;
            for (int i = 0; i < modes.length; i++) {
                sum += modes[i] == Receiver.Mode.OK.ordinal() ? owed[i] : 0;
            }
            return sum;
        }

        /** Deliveries healthy endpoints received, at most what each was owed (a duplicate does not make up a loss). */
        long healthyReceived() {
            long sum = 0;
            for (int i = 0; i < modes.length; i++) {
                sum += modes[i] == Receiver.Mode.OK.ordinal() ? Math.min(arrivals[i], owed[i]) : 0;
            }
            return sum;
        }

        double healthyReceivedShare() {
            return healthyOwed() == 0 ? 0 : (double) healthyReceived() / healthyOwed();
        }
    }

    public static void main(String[] args) throws Exception {
        new BenchE2E().run();
    }

    void run() throws Exception {
        Files.createDirectories(work);
        String started = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        String uptimeStart = uptime();
        log("work dir " + repo.relativize(work) + "; " + uptimeStart);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        PostgresServer postgres = null;
        String database = "herald_bench_e2e_" + work.getFileName().toString().substring(4);
        kafka = KafkaBroker.create(work.resolve("kafka")).start();
        try {
            log("Kafka " + kafka.bootstrapServers() + " pid " + kafka.pid());
            HeraldTopics.create(kafka.bootstrapServers(), partitions);
            lag = new ConsumerLag(kafka.bootstrapServers());

            // 1. Raw limits: Kafka's own producer with ingest's guarantees, and the receiver alone under wrk.
            double rawKafka = producerPerformance();
            int endpoints = tenants * endpointsPerTenant;
            receiver = Receiver.start(vertx, endpoints);
            receivers.add(receiver);
            double rawReceiver = wrkReceiver();

            postgres = PostgresServer.forTests(work.resolve("postgres"));
            PostgresConnection db = postgres.ensureDatabase(database);
            startServices(new ServiceEnv(kafka.bootstrapServers(), db, SECRET));
            Thread.sleep(5000);
            services.forEach((name, s) -> rssIdle.put(name, s.rssBytes()));
            rssIdle.put("kafka", kafka.rssBytes());

            List<String> tokens = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                tokens.add(TokenMinter.hs256(SECRET, "bench-t" + t,
                        Set.of(Scopes.EVENTS_WRITE, Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE),
                        Duration.ofHours(3)));
            }
            List<String> endpointIds = registerEndpoints(tokens);
            ServiceProcess ingest = services.get(ServiceEnv.INGEST);
            load = new LoadGenerator(vertx, "127.0.0.1", ingest.port(), tokens, endpointsPerTenant, eventBytes,
                    connections);

            // Until the JIT compiled the hot paths the first steps measure warm-up, not the pipeline: repeat the
            // warm-up (at most 4 times) until one keeps up.
            for (int round = 1; warmupSeconds > 0 && round <= 4; round++) {
                log("warm-up " + round + ": " + warmupSeconds + " s at 200 events/s, fan-out 1 and 10");
                boolean warm = step("warm-up", 1, 200, warmupSeconds).sustained(maxLagSeconds);
                warm &= step("warm-up", endpointsPerTenant, 50, warmupSeconds).sustained(maxLagSeconds);
                if (warm) {
                    break;
                }
            }

            // 2. Throughput: increasing open-loop rates until dispatch falls behind.
            List<Step> sweep1 = sweep(1, ratesFanOut1);
            List<Step> sweep10 = sweep(endpointsPerTenant, ratesFanOut10);

            // 3. Latency at a fixed rate, all endpoints healthy.
            Stages stages = new Stages(services.get(ServiceEnv.DISPATCH).baseUrl());
            stages.start();
            Step latency = step("latency", 1, latencyRate, latencySeconds);
            stageTable = stages.table(latency.load().ingestLatency().getMean() / 1000.0,
                    latency.latency().getMean() / 1000.0);
            log("where the time goes at " + (long) latencyRate + " events/s:\n" + stageTable);

            // 4. Isolation: the same load, some endpoints hanging, some answering 500; first with every endpoint on
            // its own port, then with each tenant's endpoints behind one host:port (as when many endpoints point at
            // one SaaS host): fresh endpoints on a second receiver, so nothing of the first run carries over.
            List<Isolation> isolations = new ArrayList<>();
            if (isolationWarmupSeconds > 0) {
                Isolation warmup = isolation("isolation warm-up (cold JIT; thrown away)", "warm-up",
                        isolationWarmupSeconds);
                notes.append(String.format(Locale.ROOT,
                        "- isolation warm-up: %d s of the isolation load on endpoints deleted afterwards, so that the "
                                + "measured runs do not pay for the JIT compiling dispatch's failure paths; its healthy "
                                + "p99 %s (received %.2f %%), not a target%n",
                        isolationWarmupSeconds, ms(warmup.latency(), 99), 100 * warmup.healthyReceivedShare()));
                deleteEndpoints(tokens, endpointIds);
                endpointIds = registerEndpoints(tokens);
            }
            isolations.add(isolation("isolation, own port per endpoint", "own ports"));
            try {
                deleteEndpoints(tokens, endpointIds);
                receiver = Receiver.startShared(vertx, tenants, endpointsPerTenant);
                receivers.add(receiver);
                registerEndpoints(tokens);
                isolations.add(isolation("isolation, one host:port per tenant", "shared host"));
            } catch (IllegalStateException e) {
                // Moving the endpoints failed (dispatch did not show the change in time): keep what was measured.
                log("shared-host isolation run NOT done: " + e.getMessage());
                notes.append("- the shared-host isolation run was not done: ").append(e.getMessage()).append('\n');
            }

            String uptimeEnd = uptime();
            String report = report(started, uptimeStart, uptimeEnd, rawKafka, rawReceiver, sweep1, sweep10, latency,
                    isolations);
            Path results = work.resolve("results.md");
            Files.writeString(results, report, StandardCharsets.UTF_8);
            Path png = work.resolve("latency-vs-load.png");
            plot(png, sweep1, sweep10, latency);
            System.out.println();
            System.out.println(report);
            log("results in " + repo.relativize(results) + ", plot in " + repo.relativize(png) + ", logs in "
                    + repo.relativize(work));
        } finally {
            if (load != null) {
                load.close();
            }
            List<String> names = new ArrayList<>(services.keySet());
            for (int i = names.size() - 1; i >= 0; i--) {
                services.get(names.get(i)).stop();
            }
            receivers.forEach(Receiver::close);
            vertx.close().toCompletionStage().toCompletableFuture().join();
            if (lag != null) {
                lag.close();
            }
            kafka.stop();
            if (postgres != null) {
                postgres.dropDatabase(database);
                postgres.close();
            }
        }
    }

    /**
     * Step 3's load with the first hangPercent of each tenant's endpoints hanging and the next errorPercent answering
     * 500; after the drain, waits until healthy arrivals stop for settleSeconds, then makes every endpoint healthy
     * again.
     */
    Isolation isolation(String name, String shortName) throws Exception {
        return isolation(name, shortName, latencySeconds);
    }

    /** As {@link #isolation(String, String)}, with a load of {@code seconds}. */
    Isolation isolation(String name, String shortName, int seconds) throws Exception {
        int endpoints = receiver.endpoints();
        int[] modes = setUnhealthy(endpoints);
        long[] arrivalsBefore = receiver.arrivalsSnapshot();
        long[] owedBefore = load.acceptedForSnapshot();
        receiver.markLateOrigin();
        Timeline timeline = Timeline.start(services.get(ServiceEnv.DISPATCH).baseUrl(), this::cpuTicks);
        Step step = step(name, 1, latencyRate, seconds);
        double settled = settle();
        Path timelineFile = work.resolve("timeline-" + shortName.replace(' ', '-') + ".md");
        timeline.writeTo(timelineFile);
        long[] lateWhere = receiver.lateWhere();
        Histogram latency = step.latency().copy();
        latency.add(receiver.takeLatency());
        long[] arrivals = minus(receiver.arrivalsSnapshot(), arrivalsBefore);
        long[] owed = minus(load.acceptedForSnapshot(), owedBefore);
        for (int i = 0; i < endpoints; i++) {
            receiver.mode(i, Receiver.Mode.OK);
        }
        Isolation isolation = new Isolation(name, shortName, receiver.listeners(), step, modes, owed, arrivals, latency,
                settled, receiver.lateBySecond());
        log(String.format(Locale.ROOT,
                "%s (%d listeners): healthy endpoints received %,d of %,d deliveries (%.2f %%) by %.1f s after the drain;"
                        + " p50 %s p99 %s p99.9 %s with late arrivals; requests to hanging %,d, to 500 %,d",
                name, isolation.listeners(), isolation.healthyReceived(), isolation.healthyOwed(),
                100 * isolation.healthyReceivedShare(), settled, ms(latency, 50), ms(latency, 99), ms(latency, 99.9),
                isolation.requests(Receiver.Mode.HANG), isolation.requests(Receiver.Mode.ERROR_500)));
        log(name + ": healthy webhooks over 500 ms, by the second of the step they were sent in: "
                + isolation.lateSeconds());
        log(String.format(Locale.ROOT,
                "%s: of the late ones, %,d were signed by dispatch 1 s or more after their event "
                        + "was sent (they waited in Herald before the request), %,d arrived 500 ms or more after the second they "
                        + "were signed in (a slow request); dispatch second by second: %s",
                name, lateWhere[0], lateWhere[1], timelineFile));
        return isolation;
    }

    static long[] minus(long[] after, long[] before) {
        long[] difference = new long[after.length];
        for (int i = 0; i < after.length; i++) {
            difference[i] = after[i] - before[i];
        }
        return difference;
    }

    /**
     * Waits until healthy arrivals did not change for settleSeconds (late retries of healthy deliveries), at most
     * drainSeconds; returns the seconds it took.
     */
    double settle() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(drainSeconds);
        long quiet = TimeUnit.SECONDS.toNanos(settleSeconds);
        long arrived = healthyArrivals();
        long changed = start;
        for (long now = start; now < deadline && now - changed < quiet; now = System.nanoTime()) {
            Thread.sleep(250);
            long seen = healthyArrivals();
            if (seen != arrived) {
                arrived = seen;
                changed = System.nanoTime();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The retry schedule plus one request timeout per attempt, in whole seconds: how late a retried delivery lands. */
    static int defaultSettleSeconds(String requestTimeoutMs, String retryScheduleMs) {
        long[] schedule = Arrays.stream(retryScheduleMs.split(",")).map(String::trim).filter(v -> !v.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long ms = Arrays.stream(schedule).sum() + (schedule.length + 1) * Long.parseLong(requestTimeoutMs.trim());
        return (int) Math.max(1, (ms + 999) / 1000);
    }

    /** Marks the first hangPercent of each tenant's endpoints as hanging and the next errorPercent as answering 500. */
    int[] setUnhealthy(int endpoints) {
        int[] unhealthy = new int[endpoints];
        int hang = (int) Math.round(endpointsPerTenant * hangPercent / 100.0);
        int error = (int) Math.round(endpointsPerTenant * errorPercent / 100.0);
        for (int i = 0; i < endpoints; i++) {
            int j = i % endpointsPerTenant;
            Receiver.Mode mode = j < hang ? Receiver.Mode.HANG
                    : j < hang + error ? Receiver.Mode.ERROR_500 : Receiver.Mode.OK;
            receiver.mode(i, mode);
            unhealthy[i] = mode.ordinal();
        }
        log(String.format(Locale.ROOT,
                "isolation: %d%% of endpoints hang, %d%% answer 500 (dispatch timeout %s ms," + " retries %s ms)"
                        + ", %d endpoints behind %d receiver listeners",
                hangPercent, errorPercent, requestTimeoutMs, retryScheduleMs, endpoints, receiver.listeners()));
        return unhealthy;
    }

    List<Step> sweep(int fanOut, double[] rates) throws Exception {
        List<Step> steps = new ArrayList<>();
        ScheduledExecutorService rss = Executors.newSingleThreadScheduledExecutor();
        rss.scheduleAtFixedRate(() -> {
            services.forEach((name, s) -> rssLoad.merge(name, s.rssBytes(), Math::max));
            rssLoad.merge("kafka", kafka.rssBytes(), Math::max);
        }, 1, 1, TimeUnit.SECONDS);
        try {
            for (double rate : rates) {
                Step step = step("fan-out " + fanOut, fanOut, rate, stepSeconds);
                steps.add(step);
                if (!step.sustained(maxLagSeconds)) {
                    break;
                }
            }
        } finally {
            rss.shutdownNow();
        }
        return steps;
    }

    /**
     * Offers {@code rate} events/s for {@code seconds}, then waits until dispatch drained its lag. Deliveries per
     * second count arrivals at healthy endpoints during the load; latency covers every arrival until drained.
     */
    Step step(String name, int fanOut, double rate, int seconds) throws Exception {
        receiver.takeLatency();
        Map<String, Long> cpuBefore = cpuTicks();
        long cpuStart = System.nanoTime();
        long arrivedBefore = healthyArrivals();
        long[] lagMax = { 0 };
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
                () -> lagMax[0] = Math
                        .max(lagMax[0],
                                Math.max(0, lag.lag(FANOUT_GROUP, Topics.EVENTS))
                                        + Math.max(0, lag.lag(DELIVERY_GROUP, Topics.DELIVERIES))),
                1, 1, TimeUnit.SECONDS);
        LoadGenerator.Result result;
        long[] arrivedAfter = { 0 };
        long[] lagAtEnd = { 0, 0 };
        try {
            // Arrivals and lag are read when the last event is due: deliveries/s is over the schedule's duration.
            result = load.run(rate, seconds, fanOut > 1, () -> {
                arrivedAfter[0] = healthyArrivals();
                lagAtEnd[0] = Math.max(0, lag.lag(FANOUT_GROUP, Topics.EVENTS));
                lagAtEnd[1] = Math.max(0, lag.lag(DELIVERY_GROUP, Topics.DELIVERIES));
            });
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
        }
        Map<String, Double> cpu = cpuShare(cpuBefore, cpuTicks(), System.nanoTime() - cpuStart);
        cpuShare.put(name + "@" + (long) rate, cpu);
        long fanOutLag = lagAtEnd[0];
        long deliveryLag = lagAtEnd[1];
        double delivered = (arrivedAfter[0] - arrivedBefore) / result.seconds();
        double lagSeconds = fanOutLag / rate + deliveryLag / (rate * fanOut);
        double drained = drain();
        Histogram latency = receiver.takeLatency();
        Step step = new Step(name, fanOut, rate, result, delivered, fanOutLag, deliveryLag,
                Math.max(lagMax[0], fanOutLag + deliveryLag), lagSeconds, drained, latency, cpu);
        log(String.format(Locale.ROOT,
                "%s at %.0f events/s: 202 %.0f/s, not accepted %d (non-202 %d, errors %d, skipped %d), delivered %.0f/s of %.0f offered, lag at end %d+%d"
                        + " (%.1f s), max %d, drained in %.1f s, p50 %s p99 %s p99.9 %s, ingest 202 p99 %s -> %s",
                name, rate, step.acceptedPerSecond(), step.lost(), result.rejected(), result.failed(), result.skipped(),
                delivered, step.offeredDeliveries(), fanOutLag, deliveryLag, lagSeconds, step.lagMax(), drained,
                ms(latency, 50), ms(latency, 99), ms(latency, 99.9), ms(result.ingestLatency(), 99),
                step.sustained(maxLagSeconds) ? "sustained" : "NOT sustained"));
        return step;
    }

    /** CPU time of each process so far, in clock ticks (utime + stime of /proc/<pid>/stat). */
    Map<String, Long> cpuTicks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        services.forEach((name, s) -> ticks.put(name, ticks(s.pid())));
        ticks.put("kafka", ticks(kafka.pid()));
        ticks.put(HARNESS, ticks(ProcessHandle.current().pid()));
        return ticks;
    }

    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the command name: state is field 3 of stat(5), utime 14 and stime 15.
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Each process's share of one CPU between two readings (100 clock ticks per second on Linux). */
    static Map<String, Double> cpuShare(Map<String, Long> before, Map<String, Long> after, long nanos) {
        Map<String, Double> share = new LinkedHashMap<>();
        after.forEach((name, t) -> share.put(name, (t - before.getOrDefault(name, t)) / 100.0 / (nanos / 1e9)));
        return share;
    }

    long healthyArrivals() {
        long sum = 0;
        for (int i = 0; i < receiver.endpoints(); i++) {
            if (receiver.mode(i) == Receiver.Mode.OK) {
                sum += receiver.arrivals(i);
            }
        }
        return sum;
    }

    /** Waits until both dispatch groups have no lag and arrivals stopped; returns the seconds it took. */
    double drain() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(drainSeconds);
        long previous = -1;
        while (System.nanoTime() < deadline) {
            long pending = lag.lag(FANOUT_GROUP, Topics.EVENTS) + lag.lag(DELIVERY_GROUP, Topics.DELIVERIES);
            long arrived = healthyArrivals();
            // herald.deliveries is written in transactions: the commit marker after a partition's last delivery
            // takes an offset that dispatch never commits past, so a drained partition still shows a lag of one.
            if (pending <= partitions && arrived == previous) {
                break;
            }
            previous = arrived;
            Thread.sleep(500);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    void startServices(ServiceEnv serviceEnv) {
        for (String module : ServiceEnv.START_ORDER) {
            Map<String, String> env = new LinkedHashMap<>(serviceEnv.envFor(module));
            switch (module) {
                // Ten tenants drive the load: the per-tenant limit would measure itself, not the pipeline.
                case ServiceEnv.INGEST -> env.put("HERALD_INGEST_RATE_LIMIT_DEFAULT_PER_SECOND", "0");
                case ServiceEnv.DISPATCH -> {
                    // A hanging endpoint holds a request this long, and failures are retried on this schedule, so
                    // the isolation step ends within minutes.
                    env.put("HERALD_DISPATCH_HTTP_REQUEST_TIMEOUT_MS", requestTimeoutMs);
                    env.put("HERALD_DISPATCH_HTTP_IDLE_TIMEOUT_MS", requestTimeoutMs);
                    env.put("HERALD_DISPATCH_RETRY_SCHEDULE_MS", retryScheduleMs);
                }
                default -> {
                }
            }
            // Experiments: BENCH_<SERVICE>_ENV_<NAME>=<value> reaches that service as <NAME>=<value>.
            String prefix = "BENCH_" + module.replace("-service", "").toUpperCase(Locale.ROOT) + "_ENV_";
            System.getenv().forEach((name, value) -> {
                if (name.startsWith(prefix)) {
                    env.put(name.substring(prefix.length()), value);
                    notes.append("- ").append(module).append(" env ").append(name.substring(prefix.length()))
                            .append('=').append(value).append('\n');
                }
            });
            String[] jvm = env("BENCH_SERVICE_JVM_ARGS", String.join(" ", ServiceProcess.DEFAULT_JVM_ARGS)).trim()
                    .split("\\s+");
            int replicas = module.equals(ServiceEnv.DISPATCH) ? dispatchReplicas : 1;
            for (int replica = 1; replica <= replicas; replica++) {
                // The first keeps the module's name; with replicas, each gets a pod name (its transactional id).
                String name = replica == 1 ? module : module + "-" + replica;
                Map<String, String> own = new LinkedHashMap<>(env);
                if (replicas > 1) {
                    own.put("POD_NAME", module + "-" + replica);
                }
                ServiceProcess service = ServiceProcess.builder(module).env(own).jvmArgs(jvm)
                        .logFile(work.resolve(name + ".log")).build();
                services.put(name, service);
                service.start();
                log(name + " " + service.baseUrl() + " pid " + service.pid() + " (" + String.join(" ", jvm) + ")");
            }
        }
        if (dispatchReplicas > 1) {
            notes.append("- ").append(dispatchReplicas).append(" dispatch processes (`BENCH_DISPATCH_REPLICAS`); ")
                    .append("dispatch's stage timers and timeline are the first one's\n");
        }
    }

    /** Every dispatch process: the module's name, then {@code <module>-2} and on. */
    List<ServiceProcess> dispatches() {
        return services.entrySet().stream().filter(e -> e.getKey().startsWith(ServiceEnv.DISPATCH))
                .map(Map.Entry::getValue).toList();
    }

    /**
     * Registers endpoint {@code t * endpointsPerTenant + j} of each tenant {@code t} at the current receiver's URL for
     * it, and waits until dispatch routes them all; returns their ids in that order.
     */
    List<String> registerEndpoints(List<String> tokens) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = services.get(ServiceEnv.SUBSCRIPTION).baseUrl();
        List<String> ids = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            for (int j = 0; j < endpointsPerTenant; j++) {
                int endpoint = t * endpointsPerTenant + j;
                String body = "{\"url\":\"" + receiver.url(endpoint) + "\",\"eventTypes\":[\"bench.one." + j
                        + "\",\"bench.all\"]}";
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints"))
                        .header("Authorization", "Bearer " + tokens.get(t)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 201) {
                    throw new IllegalStateException(
                            "POST /v1/endpoints answered " + answer.statusCode() + ": " + answer.body());
                }
                ids.add(JSON.readTree(answer.body()).path("id").asText());
            }
        }
        int expected = tenants * endpointsPerTenant;
        awaitRouted(http, routed -> routed >= expected, expected + " endpoints registered");
        log("registered " + expected + " endpoints for " + tenants + " tenants behind " + receiver.listeners()
                + " receiver listeners; dispatch routes them");
        return ids;
    }

    /** Deletes the endpoints {@link #registerEndpoints} returned and waits until dispatch routes none. */
    void deleteEndpoints(List<String> tokens, List<String> ids) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = services.get(ServiceEnv.SUBSCRIPTION).baseUrl();
        for (int i = 0; i < ids.size(); i++) {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/endpoints/" + ids.get(i)))
                            .header("Authorization", "Bearer " + tokens.get(i / endpointsPerTenant)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 204) {
                throw new IllegalStateException("DELETE /v1/endpoints/" + ids.get(i) + " answered "
                        + answer.statusCode() + ": " + answer.body());
            }
        }
        awaitRouted(http, routed -> routed <= 0, ids.size() + " endpoints deleted");
        log("deleted " + ids.size() + " endpoints; dispatch routes none");
    }

    /**
     * Waits (at most 60 s) until the routing gauge {@code herald_routing_endpoints} of every dispatch process satisfies
     * {@code done}.
     */
    void awaitRouted(HttpClient http, DoublePredicate done, String what) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        for (ServiceProcess dispatch : dispatches()) {
            double seen;
            while (!done.test(seen = routedEndpoints(http, dispatch))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            dispatch.logFile().getFileName() + " routes " + seen + " endpoints 60 s after " + what);
                }
                Thread.sleep(200);
            }
        }
    }

    static double routedEndpoints(HttpClient http, ServiceProcess dispatch) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(dispatch.baseUrl() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("herald_routing_endpoints ") || line.startsWith("herald_routing_endpoints{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    double producerPerformance() throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(RAW_TOPIC, partitions, (short) 1)))
                    .all().get();
        }
        // The broker's classpath as devstack's build resolved it (server jars, then the clients).
        String classpath = resource("kafka-classpath.txt") + java.io.File.pathSeparator
                + resource("kafka-client-classpath.txt");
        List<String> command = List.of(javaBin(), "-Xmx512m", "-cp", classpath,
                "org.apache.kafka.tools.ProducerPerformance", "--topic", RAW_TOPIC, "--num-records",
                Integer.toString(rawRecords), "--record-size", "1024", "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + kafka.bootstrapServers(), "acks=all", "enable.idempotence=true", "linger.ms=5");
        log("ProducerPerformance: " + rawRecords + " records of 1 KiB, acks=all");
        List<String> lines = run(command, Map.of(), work.resolve("producer-performance.log"));
        String summary = lines.stream().filter(l -> l.contains("records sent") && l.contains("99.9th"))
                .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("No summary: " + lines));
        Matcher m = Pattern.compile("([\\d.]+) records/sec").matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("No records/sec in " + summary);
        }
        log("  " + summary);
        return Double.parseDouble(m.group(1));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from devstack: build it (./mvnw -pl devstack -am"
                        + " install -DskipTests)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    /** wrk POSTs 1 KiB bodies to one healthy endpoint of the receiver: the most webhooks/s it takes on this machine. */
    double wrkReceiver() throws Exception {
        List<String> command = List.of("wrk", "-t2", "-c64", "-d" + wrkSeconds + "s", "-s",
                repo.resolve("bench/e2e/receiver-post.lua").toString(), receiver.url(0));
        log("wrk against the receiver alone: " + String.join(" ", command.subList(0, 4)));
        List<String> lines = run(command, Map.of(), work.resolve("wrk-receiver.log"));
        for (String line : lines) {
            Matcher m = RPS.matcher(line);
            if (m.find()) {
                log("  receiver: " + m.group(1) + " requests/s");
                return Double.parseDouble(m.group(1));
            }
        }
        throw new IllegalStateException("wrk printed no Requests/sec: " + lines);
    }

    String report(String started, String uptimeStart, String uptimeEnd, double rawKafka, double rawReceiver,
            List<Step> sweep1, List<Step> sweep10, Step latency, List<Isolation> isolations) {
        StringBuilder r = new StringBuilder();
        r.append("# End-to-end benchmark, ").append(started).append("\n\n");
        r.append("Command: `").append(System.getProperty("herald.bench.command", "bench/e2e/run.sh")).append("`");
        String knobs = new TreeMap<>(System.getenv()).entrySet().stream().filter(e -> e.getKey().startsWith("BENCH_"))
                .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b).orElse("");
        r.append(knobs.isEmpty() ? " (default knobs)" : " with `" + knobs + "`").append("\n\n");
        r.append("Machine: ").append(machine()).append("\n\n");
        r.append("- `uptime` at the start: ").append(uptimeStart).append("\n");
        r.append("- `uptime` at the end: ").append(uptimeEnd).append("\n");
        r.append(notes);

        r.append("\n## 1. Raw limits\n\n| measurement | rate |\n|---|---|\n");
        r.append(String.format(Locale.ROOT,
                "| Kafka ProducerPerformance, %,d records of 1 KiB, acks=all, idempotent | " + "%,.0f records/s |%n",
                rawRecords, rawKafka));
        r.append(String.format(Locale.ROOT,
                "| receiver alone, `wrk -t2 -c64 -d%ds`, 1 KiB POST -> 204 | %,.0f " + "requests/s |%n", wrkSeconds,
                rawReceiver));

        r.append("\n## 2. Pipeline throughput (open loop, ").append(stepSeconds).append(" s per step, ")
                .append(tenants * endpointsPerTenant).append(" endpoints, ").append(tenants).append(" tenants)\n\n");
        r.append("| fan-out | offered events/s | offered deliveries/s | 202/s | not accepted | deliveries/s | "
                + "of receiver raw | lag at end (fan-out + delivery) | max lag | drained in | p50 | p99 | p99.9 | "
                + "sustained | CPU per delivery |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Step s : concat(sweep1, sweep10)) {
            r.append(String.format(Locale.ROOT,
                    "| %d | %,.0f | %,.0f | %,.0f | %d | %,.0f | %.0f %% | %d + %d "
                            + "(%.1f s) | %d | %.0f s | %s | %s | %s | %s | %.0f us |%n",
                    s.fanOut(), s.rate(), s.offeredDeliveries(), s.acceptedPerSecond(), s.lost(),
                    s.deliveredPerSecond(), 100 * s.deliveredPerSecond() / rawReceiver, s.fanOutLagEnd(),
                    s.deliveryLagEnd(), s.lagSecondsEnd(), s.lagMax(), s.drainSeconds(), ms(s.latency(), 50),
                    ms(s.latency(), 99), ms(s.latency(), 99.9), s.sustained(maxLagSeconds) ? "yes" : "no",
                    s.cpuMicrosPerDelivery()));
        }
        double best1 = bestSustained(sweep1);
        double best10 = bestSustained(sweep10);
        r.append(String.format(Locale.ROOT, "%nSustained (deliveries >= 90 %% of offered, lag <= %.0f s of load, "
                + "<= 1 %% not accepted): fan-out 1 **%,.0f deliveries/s** (%.0f %% of the receiver's raw limit), "
                + "fan-out %d **%,.0f deliveries/s** (%.0f %%).%n", maxLagSeconds, best1, 100 * best1 / rawReceiver,
                endpointsPerTenant, best10, 100 * best10 / rawReceiver));
        r.append("CPU per delivery: the CPU time of the services and the broker during the load (not the harness), "
                + "per delivery that arrived.\n");

        r.append(String.format(Locale.ROOT,
                "%n## 3. Latency at %,.0f events/s (fan-out 1, %d s): scheduled send -> " + "receiver arrival%n%n",
                latencyRate, latencySeconds));
        r.append("| deliveries/s | p50 | p90 | p99 | p99.9 | max | samples | ingest 202 p50 | ingest 202 p99 |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        r.append(String.format(Locale.ROOT, "| %,.0f | %s | %s | %s | %s | %s | %,d | %s | %s |%n",
                latency.deliveredPerSecond(), ms(latency.latency(), 50), ms(latency.latency(), 90),
                ms(latency.latency(), 99), ms(latency.latency(), 99.9), ms(latency.latency(), 100),
                latency.latency().getTotalCount(), ms(latency.load().ingestLatency(), 50),
                ms(latency.load().ingestLatency(), 99)));

        if (stageTable != null) {
            r.append("\nWhere the time goes (means over the step; dispatch's stage timers from `/q/metrics`):\n\n")
                    .append(stageTable);
        }

        double baseRatio = latency.deliveredPerSecond() / latency.acceptedPerSecond();
        double p99Base = latency.latency().getValueAtPercentile(99) / 1000.0;
        r.append(String.format(Locale.ROOT,
                "%n## 4. Isolation: step 3's load, %d %% of endpoints hang, %d %% answer "
                        + "500%n%nDispatch request timeout %s ms, retry schedule %s ms.%n%n",
                hangPercent, errorPercent, requestTimeoutMs, retryScheduleMs));
        r.append(String.format(Locale.ROOT, "Two runs: each endpoint on its own port, then each tenant's endpoints "
                + "behind one host:port (`/hooks/<endpoint>`), on fresh endpoints. \"received\": of the deliveries the "
                + "healthy endpoints were owed, those that arrived by the time healthy arrivals had stopped for %d s "
                + "after the drain; the percentiles include those late arrivals.%n%n", settleSeconds));
        r.append("| run | receiver listeners | healthy endpoints | offered to healthy /s | delivered to healthy /s | "
                + "share delivered | received | p50 | p99 | p99.9 | requests to hanging | requests to 500 |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int endpoints = tenants * endpointsPerTenant;
        r.append(String.format(Locale.ROOT,
                "| step 3 (all healthy) | %d | %d | %,.0f | %,.0f | %.1f %% | - | %s | %s | %s | - | - |%n", endpoints,
                endpoints, latency.acceptedPerSecond(), latency.deliveredPerSecond(), 100 * baseRatio,
                ms(latency.latency(), 50), ms(latency.latency(), 99), ms(latency.latency(), 99.9)));
        for (Isolation iso : isolations) {
            Step s = iso.step();
            double healthyShare = (double) iso.endpoints(Receiver.Mode.OK) / iso.modes().length;
            r.append(String.format(Locale.ROOT,
                    "| %s | %d | %d | %,.0f | %,.0f | %.1f %% | %,d of %,d (%.2f %%) | %s | %s | %s | %,d | %,d |%n",
                    iso.name(), iso.listeners(), iso.endpoints(Receiver.Mode.OK), s.acceptedPerSecond() * healthyShare,
                    s.deliveredPerSecond(), 100 * s.deliveredPerSecond() / (s.acceptedPerSecond() * healthyShare),
                    iso.healthyReceived(), iso.healthyOwed(), 100 * iso.healthyReceivedShare(), ms(iso.latency(), 50),
                    ms(iso.latency(), 99), ms(iso.latency(), 99.9), iso.requests(Receiver.Mode.HANG),
                    iso.requests(Receiver.Mode.ERROR_500)));
        }
        r.append('\n');
        for (Isolation iso : isolations) {
            r.append(String.format(Locale.ROOT,
                    "%s: healthy throughput %.0f %% of step 3's, p99 %.1fx step 3's; drained in %.0f s, arrivals "
                            + "stopped %.0f s later.%n",
                    capitalized(iso.shortName()), 100 * throughputVs3(iso, baseRatio),
                    p99(iso) / Math.max(0.001, p99Base), iso.step().drainSeconds(), iso.settledSeconds()));
            r.append(String.format(Locale.ROOT,
                    "%s: healthy webhooks over 500 ms, by the second of the step they were " + "sent in: %s.%n",
                    capitalized(iso.shortName()), iso.lateSeconds()));
        }

        r.append("\n## 5. Footprint (RSS)\n\n| process | idle | max under step 2 |\n|---|---|---|\n");
        long maxServiceRss = 0;
        for (String name : rssIdle.keySet()) {
            long load = rssLoad.getOrDefault(name, -1L);
            if (!name.equals("kafka")) {
                maxServiceRss = Math.max(maxServiceRss, Math.max(load, rssIdle.get(name)));
            }
            r.append(String.format(Locale.ROOT, "| %s | %d MiB | %d MiB |%n", name, rssIdle.get(name) >> 20,
                    load >> 20));
        }
        Map<String, Double> cpu = cpuShare.get("latency@" + (long) latencyRate);
        if (cpu != null) {
            r.append(String.format(Locale.ROOT, "%nCPU during step 3 (cores busy, of %d): ",
                    Runtime.getRuntime().availableProcessors()));
            r.append(cpu.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                    .reduce((a, b) -> a + ", " + b).orElse("")).append(".\n");
            double perSecond = latency.deliveredPerSecond();
            r.append("\nCPU per delivery during step 3: ");
            r.append(cpu.entrySet().stream().filter(e -> !e.getKey().equals(HARNESS))
                    .map(e -> String.format(Locale.ROOT, "%s %.0f us", e.getKey(), 1e6 * e.getValue() / perSecond))
                    .reduce((a, b) -> a + ", " + b).orElse(""));
            r.append(String.format(Locale.ROOT, "; **%.0f us** in all (Herald and the broker, not the harness).%n",
                    latency.cpuMicrosPerDelivery()));
        }
        r.append("\nServices run with `")
                .append(env("BENCH_SERVICE_JVM_ARGS", String.join(" ", ServiceProcess.DEFAULT_JVM_ARGS)))
                .append("`; the broker with devstack's settings.\n");

        r.append("\n## Targets\n\n| target | measured | |\n|---|---|---|\n");
        target(r, "fan-out 1 deliveries >= 50 % of the receiver's raw limit",
                String.format(Locale.ROOT, "%.0f %%", 100 * best1 / rawReceiver), best1 >= 0.5 * rawReceiver);
        target(r, "p99 <= 100 ms at " + (int) latencyRate + " events/s", String.format(Locale.ROOT, "%.1f ms", p99Base),
                p99Base <= 100 && latency.sustained(maxLagSeconds));
        for (Isolation iso : isolations) {
            String variant = "isolation, " + iso.shortName() + ": ";
            double throughputVs3 = throughputVs3(iso, baseRatio);
            double p99Iso = p99(iso);
            target(r, variant + "healthy throughput >= 90 % of step 3's",
                    String.format(Locale.ROOT, "%.0f %%", 100 * throughputVs3), throughputVs3 >= 0.9);
            target(r, variant + "healthy endpoints receive >= 99 % of their deliveries",
                    String.format(Locale.ROOT, "%.2f %%", 100 * iso.healthyReceivedShare()),
                    iso.healthyReceivedShare() >= 0.99);
            target(r, variant + "healthy p99 <= 1.5x step 3's",
                    String.format(Locale.ROOT, "%.1f ms (%.1fx)", p99Iso, p99Iso / Math.max(0.001, p99Base)),
                    p99Iso <= 1.5 * p99Base);
        }
        target(r, "RSS <= 300 MiB per service", (maxServiceRss >> 20) + " MiB (largest)", maxServiceRss <= 300L << 20);
        return r.toString();
    }

    /** The healthy endpoints' share of their offered deliveries during the load, relative to step 3's share. */
    static double throughputVs3(Isolation iso, double baseRatio) {
        Step s = iso.step();
        double healthyShare = (double) iso.endpoints(Receiver.Mode.OK) / iso.modes().length;
        return s.deliveredPerSecond() / (s.acceptedPerSecond() * healthyShare) / baseRatio;
    }

    /** The healthy endpoints' p99 in ms, late arrivals included. */
    static double p99(Isolation iso) {
        return iso.latency().getValueAtPercentile(99) / 1000.0;
    }

    static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static void target(StringBuilder r, String name, String measured, boolean met) {
        r.append("| ").append(name).append(" | ").append(measured).append(" | ").append(met ? "met" : "**missed**")
                .append(" |\n");
    }

    double bestSustained(List<Step> steps) {
        return steps.stream().filter(s -> s.sustained(maxLagSeconds)).mapToDouble(Step::deliveredPerSecond).max()
                .orElse(0);
    }

    void plot(Path png, List<Step> sweep1, List<Step> sweep10, Step latencyStep) throws IOException {
        List<LatencyPlot.Series> series = new ArrayList<>();
        List<Step> fanOut1 = new ArrayList<>(sweep1);
        fanOut1.add(latencyStep);
        fanOut1.sort(java.util.Comparator.comparingDouble(Step::offeredDeliveries));
        series.add(new LatencyPlot.Series("fan-out 1", new Color(31, 119, 180), points(fanOut1)));
        series.add(new LatencyPlot.Series("fan-out " + endpointsPerTenant, new Color(214, 39, 40), points(sweep10)));
        LatencyPlot.write(png,
                "Herald end to end: send -> webhook arrival latency vs offered load ("
                        + DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.now().atOffset(ZoneOffset.UTC)) + ", "
                        + Runtime.getRuntime().availableProcessors() + " CPUs, shared)",
                series);
    }

    List<LatencyPlot.Point> points(List<Step> steps) {
        return steps.stream().filter(s -> s.latency().getTotalCount() > 0)
                .map(s -> new LatencyPlot.Point(s.offeredDeliveries(), s.latency().getValueAtPercentile(50) / 1000.0,
                        s.latency().getValueAtPercentile(99) / 1000.0, s.sustained(maxLagSeconds)))
                .toList();
    }

    static List<Step> concat(List<Step> a, List<Step> b) {
        List<Step> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static String machine() {
        String cpu = "unknown CPU";
        String memory = "unknown RAM";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB RAM",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse(memory);
        } catch (IOException e) {
            // Not Linux: the description stays partial.
        }
        return String.format(Locale.ROOT, "nproc %d, %s, %s, JDK %s (%s)", Runtime.getRuntime().availableProcessors(),
                cpu, memory, System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"));
    }

    static String uptime() {
        try {
            return String.join(" ", run(List.of("uptime"), Map.of(), null)).trim();
        } catch (Exception e) {
            return "uptime unavailable: " + e.getMessage();
        }
    }

    static List<String> run(List<String> command, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                lines.add(line);
            }
        }
        int exit = process.waitFor();
        if (log != null) {
            Files.write(log, lines, StandardCharsets.UTF_8);
        }
        if (exit != 0) {
            throw new IllegalStateException(
                    command.get(0) + " exited with " + exit + (log != null ? "; see " + log : ""));
        }
        return lines;
    }

    static String ms(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        long micros = percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }

    static double doubleEnv(String name, double fallback) {
        return Double.parseDouble(env(name, Double.toString(fallback)));
    }

    static double[] doublesEnv(String name, String fallback) {
        return Arrays.stream(env(name, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToDouble(Double::parseDouble).toArray();
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static void log(String message) {
        System.out.printf(Locale.ROOT, "[bench %s] %s%n",
                DateTimeFormatter.ofPattern("HH:mm:ss").format(Instant.now().atOffset(ZoneOffset.UTC)), message);
        System.out.flush();
    }
}
