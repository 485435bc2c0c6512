package io.herald.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;

/**
 * One command for the whole stack on a laptop: a real Kafka (one node, or a three-node cluster with {@code --brokers
 * 3}), PostgreSQL (HERALD_DB_URL, else an embedded server), the three services from their packaged jars (one of each,
 * or {@code --replicas N} of each), and a demo webhook receiver that prints what it gets. All state lives under
 * {@code <repo>/.herald-local/}; Ctrl-C stops everything in reverse order.
 */
public final class LocalStack {

    static final String HOME_DIR = ".herald-local";
    static final int KAFKA_PORT = 9092;
    static final int KAFKA_CONTROLLER_PORT = 9093;
    static final int POSTGRES_PORT = 5433;
    static final int RECEIVER_PORT = 8090;
    static final int PARTITIONS = 3;
    /** With replicas, enough partitions for each dispatch replica to hold some. */
    static final int PARTITIONS_FOR_REPLICAS = 6;
    /** Replica <i>k</i> (from 0) of a service listens on its default port plus {@code k} times this. */
    static final int REPLICA_PORT_STEP = 100;
    static final String DATABASE = "herald";
    static final String DEMO_TENANT = "demo";
    static final Duration TOKEN_TTL = Duration.ofDays(30);

    private final PrintStream out = System.out;
    private final Path repo;
    private final Path home;
    private final long startedNanos = System.nanoTime();
    private final Deque<Running> running = new ArrayDeque<>();
    private final boolean withReceiver;
    /** Kafka and PostgreSQL only, where the services' {@code %dev} profiles look for them. */
    private final boolean infraOnly;
    private final int brokers;
    private final int replicas;

    private String kafkaBootstrap;
    private PostgresServer postgres;
    private PostgresConnection database;
    private DevProfiles devProfiles;
    private DemoReceiver receiver;
    private String secret;
    private String encryptionKey;
    private String token;

    private record Running(String name, Runnable stop) {
    }

    LocalStack(Path repo, boolean withReceiver, boolean infraOnly) {
        this(repo, withReceiver, infraOnly, 1, 1);
    }

    LocalStack(Path repo, boolean withReceiver, boolean infraOnly, int brokers, int replicas) {
        this.repo = repo;
        this.home = repo.resolve(HOME_DIR);
        this.withReceiver = withReceiver;
        this.infraOnly = infraOnly;
        this.brokers = brokers;
        this.replicas = replicas;
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> options = List.of(args);
        if (options.contains("--help") || options.contains("-h")) {
            System.out.println("""
                    Usage: ./herald-local [--no-build] [--no-receiver] [--infra-only] [--brokers N] [--replicas N]

                    Starts Kafka (127.0.0.1:9092), PostgreSQL (HERALD_DB_URL, else embedded on 127.0.0.1:5433),
                    ingest (8081), subscription (8082), dispatch (8083) and a demo webhook receiver (8090).
                    State lives in .herald-local/ (rm -rf .herald-local wipes everything). Ctrl-C stops it all.

                      --no-build      skip the Maven build (use the jars already packaged)
                      --no-receiver   do not start the demo receiver on 127.0.0.1:8090
                      --infra-only    start Kafka and PostgreSQL (and the demo receiver) but no service, on the
                                      addresses the services' %dev profiles use, for ./mvnw quarkus:dev
                                      (PostgreSQL: the one already answering there, else an embedded one)
                      --brokers N     a KRaft cluster of N Kafka nodes (3: three replicas, two in sync, as in k8s/)
                                      on 127.0.0.1:9092, 9094, 9096 (controllers on the odd ports); default 1
                      --replicas N    N processes of each service, replica k on its port + 100 k (8081, 8181, ...),
                                      each with its own name (POD_NAME) and so its own transactional ids; default 1
                    """);
            return;
        }
        int brokers = intOption(options, "--brokers");
        int replicas = intOption(options, "--replicas");
        LocalStack stack = new LocalStack(ServiceProcess.repoRoot(), !options.contains("--no-receiver"),
                options.contains("--infra-only"), brokers, replicas);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stopAll, "herald-local-shutdown"));
        try {
            stack.start();
        } catch (RuntimeException | Error e) {
            System.err.println("\nHerald local stack failed to start: " + (e instanceof Error ? e : e.getMessage()));
            stack.stopAll();
            System.exit(1);
        }
        if (stack.infraOnly) {
            stack.printDevTour();
        } else {
            stack.printTour();
        }
        new CountDownLatch(1).await();
    }

    /** The positive number after {@code name} (1 without it); exits with a message when it is not one. */
    static int intOption(List<String> options, String name) {
        int at = options.indexOf(name);
        if (at < 0) {
            return 1;
        }
        try {
            int value = Integer.parseInt(at + 1 < options.size() ? options.get(at + 1) : "");
            if (value >= 1 && value <= 9) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        System.err.println(name + " takes a number from 1 to 9, e.g. " + name + " 3");
        System.exit(2);
        return 1;
    }

    void start() {
        out.println("Herald local stack: state in " + HOME_DIR + "/ (rm -rf " + HOME_DIR + " wipes everything)");
        try {
            Files.createDirectories(home.resolve("logs"));
            Files.createDirectories(home.resolve("run"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Leftovers.stopAll(home, out);
        int kafkaPort = KAFKA_PORT;
        if (infraOnly) {
            devProfiles = DevProfiles.read(repo);
            kafkaPort = devProfiles.kafkaPort();
            // The token must verify with the secret the dev profiles hold.
            secret = devProfiles.hs256Secret();
            token = demoToken(secret);
            writeQuietly(home.resolve("dev-token"), token + "\n");
        } else {
            secret = loadOrCreateSecret(home.resolve("hs256-secret"));
            encryptionKey = loadOrCreate(home.resolve("secrets-encryption-key"), ServiceEnv::randomEncryptionKey);
            token = demoToken(secret);
            writeQuietly(home.resolve("demo-token"), token + "\n");
        }
        int brokerPort = kafkaPort;
        int partitions = replicas > 1 ? PARTITIONS_FOR_REPLICAS : PARTITIONS;
        Map<String, String> brokerSettings = Map.of("num.partitions", Integer.toString(partitions));
        int replication;
        if (brokers == 1) {
            KafkaBroker kafka = step("Kafka",
                    () -> KafkaBroker.create(home.resolve("kafka"), brokerPort, brokerPort + 1, brokerSettings).start(),
                    k -> "127.0.0.1:" + k.port() + ", pid " + k.pid() + ", log " + rel(k.logFile()));
            running.push(new Running("Kafka", kafka::stop));
            kafkaBootstrap = kafka.bootstrapServers();
            replication = 1;
        } else {
            KafkaCluster cluster = step("Kafka (" + brokers + " nodes)",
                    () -> KafkaCluster.create(home.resolve("kafka-" + brokers), brokers, brokerPort, brokerSettings)
                            .start(),
                    c -> c.bootstrapServers() + ", logs " + rel(home.resolve("kafka-" + brokers))
                            + "/node-*/kafka.log");
            running.push(new Running("Kafka (" + brokers + " nodes)", cluster::stop));
            kafkaBootstrap = cluster.bootstrapServers();
            replication = cluster.replication();
        }

        step("Topics", () -> {
            HeraldTopics.create(kafkaBootstrap, partitions, replication);
            return "";
        }, x -> partitions + " partitions each, " + replication + (replication == 1 ? " replica" : " replicas"));

        postgres = step("PostgreSQL", this::startPostgres, pg -> pg.isEmbedded()
                ? "embedded, 127.0.0.1:" + pg.connection().port() + ", data " + rel(home.resolve("postgres"))
                : (infraOnly && System.getenv("HERALD_DB_URL") == null ? "already running at " : "HERALD_DB_URL ")
                        + pg.connection().jdbcUrl());
        if (postgres.isEmbedded()) {
            running.push(new Running("PostgreSQL", postgres::close));
        }
        if (infraOnly) {
            for (PostgresConnection db : devProfiles.databases().values()) {
                database = step("Database", () -> postgres.ensureDatabase(db.database()), PostgresConnection::jdbcUrl);
            }
        } else {
            database = step("Database", () -> postgres.ensureDatabase(DATABASE), PostgresConnection::jdbcUrl);
        }

        if (withReceiver) {
            receiver = step("Demo receiver",
                    () -> DemoReceiver.start(RECEIVER_PORT, out,
                            "http://127.0.0.1:" + ServiceEnv.DEFAULT_PORTS.get(ServiceEnv.SUBSCRIPTION), token),
                    r -> r.url("/"));
            running.push(new Running("Demo receiver", receiver::close));
        }
        if (infraOnly) {
            return;
        }

        ServiceEnv env = new ServiceEnv(kafkaBootstrap, database, secret, encryptionKey);
        for (String module : ServiceEnv.START_ORDER) {
            for (int replica = 0; replica < replicas; replica++) {
                String name = replicaName(module, replica);
                // Each replica its own name, as each pod has: its transactional ids derive from it.
                ServiceProcess service = ServiceProcess.builder(module).port(port(module, replica))
                        .env(env.envFor(module)).env("POD_NAME", name)
                        .logFile(home.resolve("logs").resolve(name + ".log")).build();
                step(name, () -> {
                    service.start();
                    Leftovers.remember(home, name, service.pid());
                    running.push(new Running(name, service::stop));
                    return service;
                }, s -> s.baseUrl() + ", pid " + s.pid() + ", log " + rel(s.logFile()));
            }
        }
    }

    /** {@code module} alone, or {@code module-<k+1>} with replicas. */
    String replicaName(String module, int replica) {
        return replicas == 1 ? module : module + "-" + (replica + 1);
    }

    static int port(String module, int replica) {
        return ServiceEnv.DEFAULT_PORTS.get(module) + REPLICA_PORT_STEP * replica;
    }

    private PostgresServer startPostgres() {
        String url = System.getenv("HERALD_DB_URL");
        if (url != null && !url.isBlank()) {
            return PostgresServer.external(url);
        }
        if (infraOnly) {
            // Where the dev profiles look: a server already answering there is used as it is.
            PostgresConnection dev = devProfiles.postgresServer();
            return PostgresServer.reachable(dev)
                    .orElseGet(() -> PostgresServer.embedded(home.resolve("postgres"), dev.port(), false));
        }
        return PostgresServer.embedded(home.resolve("postgres"), POSTGRES_PORT, false);
    }

    /** Runs one step, printing its name, then its result and how long it took. */
    private <T> T step(String name, Supplier<T> action, Function<T, String> describe) {
        out.printf("[%6.1fs] %-22s ", elapsedSeconds(), name);
        out.flush();
        long begin = System.nanoTime();
        T result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            out.println("FAILED");
            throw e;
        }
        out.printf("ok in %4.1fs  (%s)%n", (System.nanoTime() - begin) / 1e9, describe.apply(result));
        return result;
    }

    void printTour() {
        String ingest = "http://127.0.0.1:" + ServiceEnv.DEFAULT_PORTS.get(ServiceEnv.INGEST);
        String subscription = "http://127.0.0.1:" + ServiceEnv.DEFAULT_PORTS.get(ServiceEnv.SUBSCRIPTION);
        String dispatch = "http://127.0.0.1:" + ServiceEnv.DEFAULT_PORTS.get(ServiceEnv.DISPATCH);
        String receiverUrl = "http://127.0.0.1:" + RECEIVER_PORT + "/webhooks";
        out.printf(
                """

                        Herald is up in %.1f s.
                          ingest        %s   POST /v1/events          OpenAPI %s/q/openapi
                          subscription  %s   /v1/endpoints            OpenAPI %s/q/openapi
                          dispatch      %s   /q/health  /q/metrics%s
                          Kafka         %s   PostgreSQL %s
                          logs          %s/logs/  and %s

                        A token for tenant '%s' (all scopes, valid %d days; also in %s/demo-token):
                          export HERALD_TOKEN=%s

                        Try it (in another terminal):
                          # 1. register an endpoint at the demo receiver for order.* (the answer holds its signing secret)
                          curl -s %s/v1/endpoints -H "Authorization: Bearer $HERALD_TOKEN" -H 'Content-Type: application/json' \\
                               -d '{"url":"%s","eventTypes":["order.*"]}'
                          # 2. publish an event (202 with its id once Kafka has it)
                          curl -s %s/v1/events -H "Authorization: Bearer $HERALD_TOKEN" -H 'Content-Type: application/json' \\
                               -d '{"type":"order.created","data":{"orderId":"ord_1001","amount":4200}}'
                          # 3. the signed webhook shows up right here%s

                        Ctrl-C stops everything. State stays in %s/ for the next start; rm -rf %s wipes everything.
                        """,
                elapsedSeconds(), ingest, ingest, subscription, subscription, dispatch, replicasLine(), kafkaBootstrap,
                database.jdbcUrl(), HOME_DIR,
                HOME_DIR + (brokers == 1 ? "/kafka/kafka.log" : "/kafka-" + brokers + "/node-*/kafka.log"), DEMO_TENANT,
                TOKEN_TTL.toDays(), HOME_DIR, token, subscription, receiverUrl, ingest,
                withReceiver ? ", printed by the demo receiver" : " (started without it)", HOME_DIR, HOME_DIR);
        out.flush();
    }

    private String replicasLine() {
        if (replicas == 1) {
            return "";
        }
        StringBuilder line = new StringBuilder("\n  replicas      " + replicas + " of each, on");
        for (int replica = 1; replica < replicas; replica++) {
            line.append(" ").append(port(ServiceEnv.INGEST, replica)).append("-")
                    .append(port(ServiceEnv.DISPATCH, replica));
        }
        return line.append(" (logs/<service>-<n>.log)").toString();
    }

    /** What to do next with the infrastructure only: run a service in dev mode against it. */
    void printDevTour() {
        StringBuilder databases = new StringBuilder();
        devProfiles.databases().forEach((module, db) -> databases.append(
                String.format("%n  %-22s %s", module, postgres.connection().withDatabase(db.database()).jdbcUrl())));
        StringBuilder services = new StringBuilder();
        for (String module : ServiceEnv.START_ORDER) {
            services.append(String.format("%n  ./mvnw quarkus:dev -pl %-21s -am   # http://127.0.0.1:%d", module,
                    devProfiles.httpPorts().get(module)));
        }
        String dbOverride = System.getenv("HERALD_DB_URL") == null ? ""
                : String.format("%nHERALD_DB_URL is set: the dev profiles expect %s, so give a service its database"
                        + " with QUARKUS_DATASOURCE_JDBC_URL, QUARKUS_DATASOURCE_REACTIVE_URL and"
                        + " QUARKUS_DATASOURCE_USERNAME/PASSWORD.%n", devProfiles.postgresServer().jdbcUrl());
        out.printf("""

                Herald's infrastructure is up in %.1f s; no service runs. Kafka and PostgreSQL are where the
                services' %%dev profiles look for them:
                  Kafka                  %s   (%%dev kafka.bootstrap.servers=%s)%s
                  demo receiver          %s
                %s
                Run the service you work on with live reload (from the repository root, one terminal each; the
                first run compiles contracts and service-kit; 'quarkus dev' in the module folder works as well once
                they are installed):%s

                A token for tenant '%s' the %%dev profiles accept (all scopes, valid %d days; also in %s/dev-token):
                  export HERALD_TOKEN=%s

                Ctrl-C stops Kafka and PostgreSQL. State stays in %s/ for the next start.
                """, elapsedSeconds(), kafkaBootstrap, devProfiles.kafkaBootstrapServers(), databases,
                withReceiver ? "http://127.0.0.1:" + RECEIVER_PORT + "/webhooks" : "(not started)", dbOverride,
                services, DEMO_TENANT, TOKEN_TTL.toDays(), HOME_DIR, token, HOME_DIR);
        out.flush();
    }

    /** Stops what was started, last first. Safe to call twice (failed start, then the shutdown hook). */
    void stopAll() {
        while (true) {
            Running next;
            synchronized (running) {
                next = running.poll();
            }
            if (next == null) {
                return;
            }
            out.printf("Stopping %-22s ", next.name());
            out.flush();
            long begin = System.nanoTime();
            try {
                next.stop().run();
                out.printf("stopped in %4.1fs%n", (System.nanoTime() - begin) / 1e9);
            } catch (RuntimeException e) {
                out.println("FAILED: " + e.getMessage());
            }
            out.flush();
        }
    }

    /** A token for tenant {@value #DEMO_TENANT} with every scope, valid {@link #TOKEN_TTL}. */
    static String demoToken(String secret) {
        return TokenMinter.hs256(secret, DEMO_TENANT,
                Set.of(Scopes.EVENTS_WRITE, Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE, Scopes.EVENT_TYPES_WRITE),
                TOKEN_TTL);
    }

    /** The HS256 secret, generated on first start and kept so that tokens survive restarts. */
    static String loadOrCreateSecret(Path file) {
        return loadOrCreate(file, () -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        });
    }

    /** A value kept in {@code file} (owner-only), created on first use. */
    static String loadOrCreate(Path file, Supplier<String> create) {
        try {
            if (Files.exists(file)) {
                String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!existing.isEmpty()) {
                    return existing;
                }
            }
            String created = create.get();
            Files.writeString(file, created + "\n", StandardCharsets.UTF_8);
            restrictToOwner(file);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep a secret in " + file, e);
        }
    }

    private static void writeQuietly(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            restrictToOwner(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: the file keeps its default permissions.
        }
    }

    private String rel(Path path) {
        Path absolute = path.toAbsolutePath();
        return absolute.startsWith(repo) ? repo.relativize(absolute).toString() : absolute.toString();
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /**
     * Processes of an earlier run that did not get to stop them (launcher killed with SIGKILL): their pids are kept in
     * {@code .herald-local/run/}; a process still alive that is recognisably ours holds the ports and the data
     * directories, so it is stopped before anything starts.
     */
    static final class Leftovers {

        private Leftovers() {
        }

        /** Records the pid of a started service. */
        static void remember(Path home, String name, long pid) {
            writeQuietly(home.resolve("run").resolve(name + ".pid"), pid + "\n");
        }

        static void stopAll(Path home, PrintStream out) {
            Path run = home.resolve("run");
            for (String module : List.of(ServiceEnv.DISPATCH, ServiceEnv.INGEST, ServiceEnv.SUBSCRIPTION)) {
                // A service runs in its quarkus-app directory, which other runs of the same jar share: the pid file
                // (one per replica) says which one is ours.
                Path workDir = ServiceProcess.jarOf(module).getParent();
                for (Path pidFile : list(run, module + ".pid", module + "-*.pid")) {
                    String name = pidFile.getFileName().toString().replace(".pid", "");
                    readPid(pidFile).flatMap(ProcessHandle::of).filter(p -> runsIn(p, workDir))
                            .ifPresent(p -> stop(p, name, out));
                    try {
                        Files.deleteIfExists(pidFile);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            // Kafka runs in the launcher's own data directories (one node, or node-<id> of a cluster): whatever runs
            // there is ours.
            List<Path> kafkaDirs = new ArrayList<>(List.of(home.resolve("kafka")));
            for (Path clusterDir : list(home, "kafka-*")) {
                kafkaDirs.addAll(list(clusterDir, "node-*"));
            }
            for (Path kafkaDir : kafkaDirs) {
                ProcessHandle.allProcesses().filter(p -> runsIn(p, kafkaDir)).forEach(p -> stop(p, "Kafka", out));
            }
            // PostgreSQL keeps its own pid file and runs in its data directory; a stale file from a dead server is
            // handled by PostgreSQL itself.
            Path pgData = home.resolve("postgres").resolve("data");
            readPid(pgData.resolve("postmaster.pid")).flatMap(ProcessHandle::of).filter(p -> runsIn(p, pgData))
                    .ifPresent(p -> stop(p, "PostgreSQL", out));
        }

        /** The entries of {@code dir} matching any of the globs (none when it does not exist). */
        private static List<Path> list(Path dir, String... globs) {
            List<Path> found = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                return found;
            }
            for (String glob : globs) {
                try (var entries = Files.newDirectoryStream(dir, glob)) {
                    entries.forEach(found::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return found;
        }

        /** Whether a live process has {@code dir} as its working directory (Linux /proc; elsewhere never). */
        private static boolean runsIn(ProcessHandle process, Path dir) {
            try {
                Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"));
                return process.isAlive() && Files.exists(dir) && cwd.equals(dir.toRealPath());
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }

        private static Optional<Long> readPid(Path file) {
            try {
                if (!Files.exists(file)) {
                    return Optional.empty();
                }
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        private static void stop(ProcessHandle process, String name, PrintStream out) {
            out.println("Stopping a leftover " + name + " from an earlier run (pid " + process.pid() + ")");
            process.destroy();
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }
}
