package io.herald.devstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka node (KRaft, broker and controller in one process) run as a child JVM from the Maven Central artifacts
 * whose paths the build wrote to {@code kafka-classpath.txt}: a single-node cluster of its own, or one node of a
 * {@link KafkaCluster}. Everything lives in one data directory: the generated {@code server.properties}, the log dirs
 * and {@code kafka.log}; starting again on the same directory keeps the topics and their records. Listens on 127.0.0.1
 * only.
 */
public final class KafkaBroker extends ChildProcess {

    /** How long a start may take before it fails (a cold JVM on a busy two-core machine is slow). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final String[] CLASSPATH_RESOURCES = { "kafka-classpath.txt", "kafka-client-classpath.txt" };

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private final String maxHeap;
    private final Membership membership;

    /**
     * Where a node stands in its cluster.
     *
     * @param nodeId this node's id
     * @param clusterSize how many nodes the cluster has (replication of internal topics: up to 3, two in sync)
     * @param voters {@code controller.quorum.voters}, or null for this node alone
     * @param clusterId the id every node's storage is formatted with, or null for a random one
     */
    record Membership(int nodeId, int clusterSize, String voters, String clusterId) {

        static final Membership ALONE = new Membership(1, 1, null, null);

        int replication() {
            return Math.min(3, clusterSize);
        }

        int minInSync() {
            return clusterSize >= 3 ? 2 : 1;
        }
    }

    private KafkaBroker(Path dataDir, int port, int controllerPort, Map<String, String> overrides, String maxHeap,
            Membership membership) {
        super(STOP_GRACE);
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.overrides = Map.copyOf(overrides);
        this.maxHeap = maxHeap;
        this.membership = membership;
    }

    /** A broker on free ports with its data under {@code dataDir}; nothing runs until {@link #start()}. */
    public static KafkaBroker create(Path dataDir) {
        return create(dataDir, 0, 0, Map.of());
    }

    /**
     * A broker listening on {@code port} with its controller on {@code controllerPort} (0 picks a free port, chosen now
     * and kept across restarts), with extra {@code server.properties} entries.
     */
    public static KafkaBroker create(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
        int brokerPort = port == 0 ? Processes.freePort() : port;
        int ctlPort = controllerPort;
        while (ctlPort == 0 || ctlPort == brokerPort) {
            ctlPort = Processes.freePort();
        }
        return new KafkaBroker(dataDir, brokerPort, ctlPort, overrides, "256m", Membership.ALONE);
    }

    /** One node of a {@link KafkaCluster}, on the given ports. */
    static KafkaBroker member(Path dataDir, int port, int controllerPort, Map<String, String> overrides,
            Membership membership) {
        return new KafkaBroker(dataDir, port, controllerPort, overrides, "256m", membership);
    }

    /** Starts the broker (formatting the data directory the first time) and waits until it answers metadata. */
    public synchronized KafkaBroker start() {
        if (isRunning()) {
            return this;
        }
        launch();
        awaitReady();
        return this;
    }

    /**
     * Starts the process (formatting the data directory the first time) without waiting: the nodes of a cluster are
     * launched together, since none answers before a majority of controllers runs.
     */
    synchronized void launch() {
        if (isRunning()) {
            return;
        }
        Processes.requireFree(port, "Kafka listener");
        Processes.requireFree(controllerPort, "Kafka controller");
        try {
            Files.createDirectories(dataDir);
            Path config = writeServerProperties();
            formatOnce(config);
            appendToLog("=== " + Instant.now() + " starting kafka.Kafka on 127.0.0.1:" + port + " ===");
            ProcessBuilder builder = new ProcessBuilder(javaCommand("kafka.Kafka", config.toString()))
                    .directory(dataDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(logFile().toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Kafka in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Everything the broker (and the storage tool) printed, across restarts. */
    public Path logFile() {
        return dataDir.resolve("kafka.log");
    }

    public List<String> logTail(int lines) {
        return Processes.tail(logFile(), lines);
    }

    @Override
    protected String label() {
        return "Kafka";
    }

    private Path writeServerProperties() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(membership.nodeId()));
        props.put("controller.quorum.voters", membership.voters() != null ? membership.voters()
                : membership.nodeId() + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("log.dirs", dataDir.resolve("logs").toString());
        // Internal topics replicated as far as the cluster allows: on one node a factor above 1 means they are never
        // created and consumer groups and transactions hang silently. Three nodes: three replicas, two in sync, as in
        // k8s/kafka.
        String replication = Integer.toString(membership.replication());
        String minInSync = Integer.toString(membership.minInSync());
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minInSync);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minInSync);
        props.put("min.insync.replicas", minInSync);
        props.put("default.replication.factor", replication);
        // Fewer internal partitions than the production default of 50: the first group join and the first
        // transaction create them, and 50 each cost seconds on a laptop.
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner (compacted topics such as herald.endpoints) allocates its whole dedupe buffer, 128 MiB by
        // default, in one array when the broker starts: in a 256 MiB heap that allocation sometimes failed
        // (OutOfMemoryError: "Error starting LogManager"). 16 MiB indexes ~600 000 keys per cleaning, far more than
        // a local stack or a test holds.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        // After a kill the restarted controller still holds the dead incarnation's registration and refuses the new
        // one until that session expires: 4 s instead of the default 9 s.
        props.put("broker.heartbeat.interval.ms", "1000");
        props.put("broker.session.timeout.ms", "4000");
        // Fast failover of dispatch, as k8s/kafka configures it (docs/operations.md, "Failover"): dispatch's consumers
        // use 1 s sessions, below Kafka's floor of 6 s; a transaction left open by a killed instance is aborted within
        // its timeout plus this scan period (Kafka's default scan: every 10 s).
        props.put("group.min.session.timeout.ms", "500");
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200");
        props.putAll(overrides);

        Path config = dataDir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            out.write("# Written by io.herald.devstack.KafkaBroker on every start; edits are overwritten.\n");
            for (Map.Entry<String, String> e : props.entrySet()) {
                out.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        }
        return config;
    }

    /** Formats the log dir on first use only (the storage tool costs a JVM start; --ignore-formatted is a guard). */
    private void formatOnce(Path config) throws IOException {
        if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        // Uuid.randomUuid() is what 'kafka-storage random-uuid' prints, without a JVM start of its own.
        String clusterId = membership.clusterId() != null ? membership.clusterId() : Uuid.randomUuid().toString();
        appendToLog(
                "=== " + Instant.now() + " formatting " + dataDir.resolve("logs") + " (cluster " + clusterId + ") ===");
        Process format = new ProcessBuilder(javaCommand("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                config.toString(), "--ignore-formatted")).directory(dataDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(Redirect.appendTo(logFile().toFile())).start();
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("Formatting Kafka storage timed out; see " + logFile());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            format.destroyForcibly();
            throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
        }
        if (format.exitValue() != 0) {
            throw new IllegalStateException("Formatting Kafka storage failed (exit " + format.exitValue() + "):"
                    + Processes.indent(logTail(30)));
        }
    }

    private List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Processes.javaExecutable());
        command.add("-Xmx" + maxHeap);
        command.add("-Djava.awt.headless=true");
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        command.add("-cp");
        command.add(serverClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** The broker's classpath as the build resolved it (jars in the local Maven repository). */
    static String serverClasspath() {
        List<String> entries = new ArrayList<>();
        for (String resource : CLASSPATH_RESOURCES) {
            try (InputStream in = KafkaBroker.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Resource io/herald/devstack/" + resource
                            + " is missing: build devstack with Maven (it is written by dependency:build-classpath)");
                }
                for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()
                        .split("[" + File.pathSeparator + "\\r\\n]+")) {
                    if (!entry.isBlank()) {
                        entries.add(entry.trim());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (String entry : entries) {
            if (!Files.exists(Path.of(entry))) {
                throw new IllegalStateException(
                        "Kafka classpath entry " + entry + " does not exist: rebuild devstack to resolve it again");
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Waits until the node answers metadata (a cluster's node: once a majority of controllers runs). */
    void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        while (!Processes.accepts(port)) {
            checkAlive(deadline);
            Processes.sleep(Duration.ofMillis(100));
        }
        try (Admin admin = Admin.create(props)) {
            while (true) {
                checkAlive(deadline);
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                            .get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for Kafka", e);
                } catch (Exception e) {
                    Processes.sleep(Duration.ofMillis(200));
                }
            }
        }
    }

    private void checkAlive(Instant deadline) {
        if (!process.isAlive()) {
            int exit = process.exitValue();
            process = null;
            throw new IllegalStateException("Kafka exited during start (exit " + exit + "); " + logFile()
                    + " ends with:" + Processes.indent(logTail(50)));
        }
        if (Instant.now().isAfter(deadline)) {
            Processes.kill(process);
            process = null;
            throw new IllegalStateException("Kafka did not answer within " + START_TIMEOUT.toSeconds() + " s; "
                    + logFile() + " ends with:" + Processes.indent(logTail(50)));
        }
    }

    private void appendToLog(String line) throws IOException {
        Files.writeString(logFile(), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
