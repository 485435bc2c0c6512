import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.contracts.messages.EventTypeState;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;

/**
 * The ingest benchmark (run by run.sh, which builds the classpath): a real broker, Kafka's ProducerPerformance for the
 * raw limit, then the packaged ingest-service driven by wrk, at full speed and at half the peak rate. Prints a table.
 */
public class BenchIngest {

    static final int PARTITIONS = 3;
    static final String RAW_TOPIC = "bench.raw";
    static final int BATCH_SIZE = 100;
    /** USER_HZ, the unit of the CPU times in /proc/PID/stat (100 on Linux on every common architecture). */
    static final int CLOCK_TICKS_PER_SECOND = 100;
    /** The request body post-event.lua sends, when set (the schema comparison); its built-in 1 KiB body otherwise. */
    static String bodyFile = "";
    static final Pattern RESULT = Pattern.compile(
            "RESULT requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+) max_us=(\\d+) "
                    + "errors=(\\d+) statuses=(\\S*)");

    record WrkResult(String name, long requests, double seconds, long p50us, long p99us, long p999us, long maxUs,
            long errors, Map<Integer, Long> statuses) {

        double rate() {
            return statuses.getOrDefault(202, 0L) / seconds;
        }

        long accepted() {
            return statuses.getOrDefault(202, 0L);
        }
    }

    public static void main(String[] args) throws Exception {
        Path repo = ServiceProcess.repoRoot();
        Path work = repo.resolve("bench/ingest/target").resolve("run-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(work);
        int threads = intEnv("BENCH_THREADS", 2);
        int connections = intEnv("BENCH_CONNECTIONS", 64);
        int seconds = intEnv("BENCH_SECONDS", 30);
        int warmupSeconds = intEnv("BENCH_WARMUP_SECONDS", 10);
        int rawRecords = intEnv("BENCH_RAW_RECORDS", 300_000);
        int paceConnections = intEnv("BENCH_PACED_CONNECTIONS", 32);
        String ingestJvm = env("BENCH_INGEST_JVM_ARGS", "-Xmx256m -XX:+UseSerialGC");
        String secret = "herald-bench-hs256-secret-0123456789abcdef";
        String token = TokenMinter.hs256(secret, "bench", Set.of(Scopes.EVENTS_WRITE), Duration.ofHours(2));

        log("work dir " + repo.relativize(work) + "; " + loadAverage());
        KafkaBroker kafka = KafkaBroker.create(work.resolve("kafka")).start();
        PostgresServer postgres = null;
        ServiceProcess ingest = null;
        String database = "herald_bench_" + work.getFileName().toString().substring(4);
        try {
            log("Kafka " + kafka.bootstrapServers() + " pid " + kafka.pid());
            HeraldTopics.create(kafka.bootstrapServers(), PARTITIONS);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(RAW_TOPIC, PARTITIONS, (short) 1))).all().get();
            }

            // 1. The raw limit: Kafka's own producer with ingest's guarantees (acks=all, idempotent) and Kafka's default
            // batching (linger.ms=5, batch.size 16 KiB), as fast as one producer thread can send.
            String rawLine = producerPerformance(repo, kafka.bootstrapServers(), rawRecords, work);
            double rawRate = parseRawRate(rawLine);
            log("ProducerPerformance: " + rawLine);

            // 2. ingest-service as in production, against the same broker and PostgreSQL.
            postgres = PostgresServer.forTests(work.resolve("postgres"));
            PostgresConnection db = postgres.ensureDatabase(database);
            Map<String, String> env = new LinkedHashMap<>(
                    new ServiceEnv(kafka.bootstrapServers(), db, secret).envFor(ServiceEnv.INGEST));
            // One tenant drives the whole load: the per-tenant limit would measure itself, not ingest.
            env.put("HERALD_INGEST_RATE_LIMIT_DEFAULT_PER_SECOND", "0");
            // Experiments: BENCH_INGEST_ENV_<NAME>=<value> reaches ingest as <NAME>=<value>.
            System.getenv().forEach((name, value) -> {
                if (name.startsWith("BENCH_INGEST_ENV_")) {
                    env.put(name.substring("BENCH_INGEST_ENV_".length()), value);
                    log("ingest env " + name.substring("BENCH_INGEST_ENV_".length()) + "=" + value);
                }
            });
            List<String> jvm = new ArrayList<>(List.of(ingestJvm.trim().split("\\s+")));
            if (!env("BENCH_JFR", "").isEmpty()) {
                jvm.add("-XX:StartFlightRecording=filename=" + work.resolve("ingest.jfr") + ",settings=profile");
            }
            ingest = ServiceProcess.builder(ServiceEnv.INGEST).env(env).jvmArgs(jvm.toArray(String[]::new))
                    .logFile(work.resolve("ingest.log")).build().start();
            String url = ingest.baseUrl() + "/v1/events";
            log("ingest " + ingest.baseUrl() + " pid " + ingest.pid() + " (" + String.join(" ", jvm) + ")");

            int schemaFields = intEnv("BENCH_SCHEMA_FIELDS", 0);
            if (schemaFields > 0) {
                SchemaComparison.run(schemaFields, kafka.bootstrapServers(), threads, connections, seconds,
                        warmupSeconds, token, url, repo, work, rawRate);
                return;
            }
            WrkResult warmup = wrk("warm-up", threads, connections, warmupSeconds, 0, token, url, repo, work);
            // CPU time of ingest over the peak run: per accepted event it is the cost that the load average does not
            // distort much (unlike events/s). BENCH_PROFILER=<libasyncProfiler.so> also profiles exactly this run.
            String profiler = env("BENCH_PROFILER", "");
            if (!profiler.isEmpty()) {
                asyncProfiler(ingest.pid(), profiler, "start,event=cpu,interval=1ms,threads", work);
            }
            long cpuTicksBefore = cpuTicks(ingest.pid());
            WrkResult peak = wrk("peak", threads, connections, seconds, 0, token, url, repo, work);
            long cpuTicksPeak = cpuTicks(ingest.pid()) - cpuTicksBefore;
            if (!profiler.isEmpty()) {
                asyncProfiler(ingest.pid(), profiler,
                        "stop,collapsed,file=" + work.resolve("ingest-peak.collapsed"), work);
            }
            long rssPeak = ingest.rssBytes();
            double halfRate = peak.rate() / 2;
            // Pacing: each connection sends, waits for the answer, then waits delay ms, so it cycles every delay +
            // latency and the rate is connections / cycle. A short calibration run measures the latency part at this
            // load; the delay is then set so that the rate comes out at half the peak.
            int delayMs = (int) Math.max(1, Math.round(paceConnections * 1000.0 / halfRate));
            WrkResult calibration = wrk("calibration", threads, paceConnections, 5, delayMs, token, url, repo, work);
            double cycleMs = paceConnections * 1000.0 / Math.max(1, calibration.rate());
            double latencyMs = Math.max(0, cycleMs - delayMs);
            delayMs = (int) Math.max(1, Math.round(paceConnections * 1000.0 / halfRate - latencyMs));
            WrkResult half = wrk("half-peak", threads, paceConnections, seconds, delayMs, token, url, repo, work);
            long rssEnd = ingest.rssBytes();
            // Not a target, for comparison: the same events 100 at a time through POST /v1/events/batch, on as many
            // connections as keep them within herald.ingest.max-in-flight (1000), past which items get 503.
            int batchConnections = Math.max(1, 1000 / BATCH_SIZE - 2);
            WrkResult batch = wrk("batch", "post-batch.lua", threads, batchConnections, seconds, 0, token,
                    url + "/batch", repo, work);
            long batchEvents = batch.statuses().getOrDefault(1202, 0L);

            long accepted = warmup.accepted() + peak.accepted() + calibration.accepted() + half.accepted() + batchEvents;
            long records = recordsIn(kafka.bootstrapServers(), Topics.EVENTS);

            StringBuilder table = new StringBuilder();
            table.append(String.format(Locale.ROOT, "%n| run | connections | events/s (202) | p50 | p99 | p99.9 | max "
                    + "| non-202 | ratio to raw |%n|---|---|---|---|---|---|---|---|---|%n"));
            table.append(String.format(Locale.ROOT, "| ProducerPerformance (1 KiB, acks=all, idempotent) | - | %.0f | "
                    + "- | - | - | - | - | 100%% |%n", rawRate));
            for (WrkResult r : List.of(peak, half)) {
                long non202 = r.requests() - r.accepted() + r.errors();
                table.append(String.format(Locale.ROOT, "| ingest %s%s | %d | %.0f | %s | %s | %s | %s | %d | %.0f%% |%n",
                        r.name(), r == half ? " (paced, delay " + delayMs + " ms)" : "",
                        r == half ? paceConnections : connections, r.rate(), ms(r.p50us()), ms(r.p99us()),
                        ms(r.p999us()), ms(r.maxUs()), non202, 100 * r.rate() / rawRate));
            }
            table.append(String.format(Locale.ROOT, "| ingest batch of %d (`/v1/events/batch`) | %d | %.0f | %s | %s | %s "
                    + "| %s | %d events | %.0f%% |%n", BATCH_SIZE, batchConnections, batchEvents / batch.seconds(),
                    ms(batch.p50us()), ms(batch.p99us()), ms(batch.p999us()), ms(batch.maxUs()),
                    batch.statuses().getOrDefault(207, 0L) * BATCH_SIZE - batchEvents + batch.errors(),
                    100 * batchEvents / batch.seconds() / rawRate));
            table.append(String.format(Locale.ROOT, "%nhalf-peak target %.0f events/s, reached %.0f%n", halfRate,
                    half.rate()));
            double cpuSeconds = cpuTicksPeak / (double) CLOCK_TICKS_PER_SECOND;
            table.append(String.format(Locale.ROOT, "ingest CPU in the peak run: %.1f s in %.1f s (%.0f%% of one core), "
                    + "%.0f µs per 202 (JIT compilation included)%n", cpuSeconds, peak.seconds(),
                    100 * cpuSeconds / peak.seconds(), cpuSeconds * 1e6 / Math.max(1, peak.accepted())));
            table.append(String.format(Locale.ROOT, "ingest RSS: %d MB after the peak run, %d MB at the end%n",
                    rssPeak >> 20, rssEnd >> 20));
            table.append(String.format(Locale.ROOT, "202s received (all wrk runs): %d; records in %s: %d "
                    + "(%s)%n", accepted, Topics.EVENTS, records, records >= accepted ? "OK: never fewer" : "LOST EVENTS"));
            table.append(String.format(Locale.ROOT, "machine: %d CPUs, %s at the end%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage()));
            table.append(String.format(Locale.ROOT, "targets: ratio >= 50%% -> %s; p99 <= 20 ms at half the peak -> %s%n",
                    peak.rate() / rawRate >= 0.5 ? "met" : "NOT met", half.p99us() <= 20_000 ? "met" : "NOT met"));
            System.out.println(table);
            Files.writeString(work.resolve("results.md"), table.toString(), StandardCharsets.UTF_8);
            log("results in " + repo.relativize(work.resolve("results.md")) + ", ingest log "
                    + repo.relativize(ingest.logFile()));
            if (records < accepted) {
                System.exit(2);
            }
        } finally {
            if (ingest != null) {
                ingest.stop();
            }
            kafka.stop();
            if (postgres != null) {
                postgres.dropDatabase(database);
                postgres.close();
            }
        }
    }

    static String producerPerformance(Path repo, String bootstrap, int records, Path work) throws Exception {
        // The broker's classpath as devstack's build resolved it (server jars, then the clients), as KafkaBroker uses it.
        Path resources = repo.resolve("devstack/target/classes/io/herald/devstack");
        String classpath = Files.readString(resources.resolve("kafka-classpath.txt")).trim() + File.pathSeparator
                + Files.readString(resources.resolve("kafka-client-classpath.txt")).trim();
        List<String> command = List.of(javaBin(), "-Xmx512m", "-cp", classpath,
                "org.apache.kafka.tools.ProducerPerformance", "--topic", RAW_TOPIC, "--num-records",
                Integer.toString(records), "--record-size", "1024", "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true", "linger.ms=5");
        List<String> lines = run(command, work.resolve("producer-performance.log"));
        return lines.stream().filter(l -> l.contains("records sent") && l.contains("99.9th")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("ProducerPerformance printed no summary: " + lines));
    }

    static double parseRawRate(String line) {
        Matcher m = Pattern.compile("([\\d.]+) records/sec").matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("No records/sec in " + line);
        }
        return Double.parseDouble(m.group(1));
    }

    static WrkResult wrk(String name, int threads, int connections, int seconds, int delayMs, String token, String url,
            Path repo, Path work) throws Exception {
        return wrk(name, "post-event.lua", threads, connections, seconds, delayMs, token, url, repo, work);
    }

    static WrkResult wrk(String name, String script, int threads, int connections, int seconds, int delayMs,
            String token, String url, Path repo, Path work) throws Exception {
        log(String.format(Locale.ROOT, "wrk %s: -t%d -c%d -d%ds%s", name, threads, connections, seconds,
                delayMs > 0 ? ", " + delayMs + " ms between requests per connection" : ""));
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout",
                "10s", "-s", repo.resolve("bench/ingest").resolve(script).toString(), url);
        Map<String, String> env = Map.of("HERALD_TOKEN", token, "BENCH_DELAY_MS", Integer.toString(delayMs),
                "BENCH_BATCH_SIZE", Integer.toString(BATCH_SIZE), "BENCH_BODY_FILE", bodyFile);
        List<String> lines = run(command, env, work.resolve("wrk-" + name + ".log"));
        for (String line : lines) {
            Matcher m = RESULT.matcher(line);
            if (m.find()) {
                Map<Integer, Long> statuses = new LinkedHashMap<>();
                for (String pair : m.group(8).split(",")) {
                    if (!pair.isEmpty()) {
                        String[] kv = pair.split("=");
                        statuses.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
                    }
                }
                WrkResult r = new WrkResult(name, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) / 1e6,
                        Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                        Long.parseLong(m.group(6)), Long.parseLong(m.group(7)), statuses);
                log(String.format(Locale.ROOT, "  %s: %.0f 202s/s, p50 %s, p99 %s, p99.9 %s, statuses %s", name,
                        r.rate(), ms(r.p50us()), ms(r.p99us()), ms(r.p999us()), statuses));
                return r;
            }
        }
        throw new IllegalStateException("wrk printed no RESULT line: " + lines);
    }

    static long recordsIn(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            // Only ingest writes herald.events here and the topic starts empty: the end offsets count its records.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
            return partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
        }
    }

    static List<String> run(List<String> command, Path log) throws Exception {
        return run(command, Map.of(), log);
    }

    static List<String> run(List<String> command, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                lines.add(line);
            }
        }
        int exit = process.waitFor();
        Files.write(log, lines, StandardCharsets.UTF_8);
        if (exit != 0) {
            throw new IllegalStateException(command.get(0) + " exited with " + exit + "; see " + log);
        }
        return lines;
    }

    /** User plus system CPU time of a process so far, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may contain spaces; the fields after it start past its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Sends a command to async-profiler inside a running JVM: the agent library is loaded (again) through jcmd, and
     * each load runs its options. The options are quoted because jcmd would otherwise read "a=b" as its own option.
     */
    static void asyncProfiler(long pid, String library, String options, Path work) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        run(List.of(jcmd.toString(), Long.toString(pid), "JVMTI.agent_load", library, "\"" + options + "\""),
                work.resolve("async-profiler-" + options.substring(0, options.indexOf(',')) + ".log"));
    }

    /** The 1, 5 and 15 minute load averages: on a shared machine they say how much of it the run had. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "load average unknown";
        }
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static void log(String message) {
        System.out.printf(Locale.ROOT, "[bench] %s%n", message);
        System.out.flush();
    }

    /**
     * BENCH_SCHEMA_FIELDS=N: what enforcing an event type's JSON schema costs. The same body (N fields of mixed types
     * in data) is posted as an unregistered type (no validation) and as a type whose N-field schema (types, a bound, a
     * pattern, an enum, all required, no other properties) the harness publishes on herald.event-types, in alternating
     * peak runs, so that drift of the machine's load hits both alike.
     */
    static final class SchemaComparison {

        static final String TENANT = "bench";
        static final String PLAIN_TYPE = "bench.plain";
        static final String SCHEMA_TYPE = "bench.schema";

        static void run(int fields, String bootstrap, int threads, int connections, int seconds, int warmupSeconds,
                String token, String url, Path repo, Path work, double rawRate) throws Exception {
            Path plainBody = work.resolve("body-plain.json");
            Path schemaBody = work.resolve("body-schema.json");
            String data = data(fields);
            Files.writeString(plainBody, "{\"type\":\"" + PLAIN_TYPE + "\",\"data\":" + data + "}");
            Files.writeString(schemaBody, "{\"type\":\"" + SCHEMA_TYPE + "\",\"data\":" + data + "}");
            publishSchema(bootstrap, fields, url, token);

            bodyFile = schemaBody.toString();
            wrk("warm-up", threads, connections, warmupSeconds, 0, token, url, repo, work);
            List<WrkResult> plain = new ArrayList<>();
            List<WrkResult> schema = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                bodyFile = plainBody.toString();
                plain.add(wrk("no-schema-" + round, threads, connections, seconds, 0, token, url, repo, work));
                bodyFile = schemaBody.toString();
                schema.add(wrk("schema-" + round, threads, connections, seconds, 0, token, url, repo, work));
            }
            double plainRate = plain.stream().mapToDouble(WrkResult::rate).average().orElse(0);
            double schemaRate = schema.stream().mapToDouble(WrkResult::rate).average().orElse(0);
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                    "%n| run | events/s (202) | p50 | p99 | non-202 |%n|---|---|---|---|---|%n"));
            for (WrkResult r : interleave(plain, schema)) {
                table.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %d |%n", r.name(), r.rate(),
                        ms(r.p50us()), ms(r.p99us()), r.requests() - r.accepted() + r.errors()));
            }
            double cost = plainRate <= 0 ? 0 : 100 * (1 - schemaRate / plainRate);
            table.append(String.format(Locale.ROOT, "%nno schema %.0f/s, %d-field schema %.0f/s (raw %.0f/s): the schema "
                    + "costs %.1f %% of the rate -> target <= 15 %%: %s%nmachine: %s%n", plainRate, fields, schemaRate,
                    rawRate, cost, cost <= 15 ? "met" : "NOT met", loadAverage()));
            System.out.println(table);
            Files.writeString(work.resolve("results.md"), table.toString(), StandardCharsets.UTF_8);
        }

        static List<WrkResult> interleave(List<WrkResult> a, List<WrkResult> b) {
            List<WrkResult> all = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                all.add(a.get(i));
                all.add(b.get(i));
            }
            return all;
        }

        /** N fields cycling through string, integer, number, boolean, enum and date-time values. */
        static String data(int fields) {
            StringBuilder data = new StringBuilder("{");
            for (int i = 0; i < fields; i++) {
                if (i > 0) {
                    data.append(',');
                }
                data.append("\"f").append(i).append("\":").append(switch (i % 6) {
                    case 0 -> "\"value-" + i + "\"";
                    case 1 -> Integer.toString(1000 + i);
                    case 2 -> (i + 0.5) + "";
                    case 3 -> "true";
                    case 4 -> "\"EUR\"";
                    default -> "\"2026-01-01T12:00:00Z\"";
                });
            }
            return data.append('}').toString();
        }

        static String schema(int fields) {
            StringBuilder properties = new StringBuilder();
            StringBuilder required = new StringBuilder();
            for (int i = 0; i < fields; i++) {
                if (i > 0) {
                    properties.append(',');
                    required.append(',');
                }
                required.append("\"f").append(i).append('"');
                properties.append("\"f").append(i).append("\":").append(switch (i % 6) {
                    case 0 -> "{\"type\":\"string\",\"maxLength\":64,\"pattern\":\"^value-[0-9]+$\"}";
                    case 1 -> "{\"type\":\"integer\",\"minimum\":0}";
                    case 2 -> "{\"type\":\"number\"}";
                    case 3 -> "{\"type\":\"boolean\"}";
                    case 4 -> "{\"enum\":[\"EUR\",\"USD\",\"GBP\"]}";
                    default -> "{\"type\":\"string\",\"format\":\"date-time\"}";
                });
            }
            return "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                    + "\"additionalProperties\":false,\"required\":[" + required + "],\"properties\":{" + properties
                    + "}}";
        }

        /** Publishes the schema as subscription would, then waits until ingest enforces it (a bad event gets 422). */
        static void publishSchema(String bootstrap, int fields, String url, String token) throws Exception {
            EventTypeState state = EventTypeState.of(TENANT, SCHEMA_TYPE,
                    Json.mapper().readTree(schema(fields)), false, 0, Instant.now());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class.getName(), ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class.getName()))) {
                producer.send(new ProducerRecord<>(Topics.EVENT_TYPES, EventCatalogKeys.eventType(TENANT, SCHEMA_TYPE),
                        Json.write(state))).get();
            }
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest bad = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"" + SCHEMA_TYPE + "\",\"data\":{}}"))
                    .build();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (client.send(bad, HttpResponse.BodyHandlers.discarding()).statusCode() != 422) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ingest did not start enforcing the bench schema within 60 s");
                }
                Thread.sleep(100);
            }
            log("ingest enforces the " + fields + "-field schema of " + SCHEMA_TYPE);
        }
    }
}
