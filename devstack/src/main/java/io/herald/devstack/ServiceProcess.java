package io.herald.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.http.HttpClient;
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

/**
 * One packaged Herald service ({@code <module>/target/quarkus-app/quarkus-run.jar}) run as a child JVM, the way it runs
 * in production: prod profile, configured through environment variables, output to a log file. {@link #start()} returns
 * once {@code GET /q/health/ready} answers 200.
 */
public final class ServiceProcess extends ChildProcess {

    /** System property naming the repository root; else the nearest ancestor of the working directory with mvnw. */
    public static final String REPO_DIR_PROPERTY = "herald.repo.dir";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    /**
     * A service's JVM options unless told otherwise. Without {@code -Xms} the JVM commits 1/64 of the machine's memory
     * as its initial heap (the whole 256 MiB on a 24 GiB machine), and an idle service then holds ~330 MB resident.
     * Starting small keeps idle services near 170-270 MB. The free-heap ratios are the JVM's defaults, as in the chart:
     * squeezed to 10-30 % free, the heap needed a full collection at each growth of the live set (docs/benchmarks.md,
     * "End to end").
     */
    public static final List<String> DEFAULT_JVM_ARGS = List.of("-Xms24m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=40", "-XX:MaxHeapFreeRatio=70");
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 50;

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final List<String> jvmArgs;
    private final Path logFile;
    private final Duration startTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceProcess(Builder builder) {
        super(STOP_GRACE);
        this.name = builder.name;
        this.jar = builder.jar;
        this.port = builder.port == 0 ? Processes.freePort() : builder.port;
        this.env = Map.copyOf(builder.env);
        this.jvmArgs = List.copyOf(builder.jvmArgs);
        this.logFile = builder.logFile != null ? builder.logFile.toAbsolutePath()
                : jar.getParent().getParent().resolve(name + ".log");
        this.startTimeout = builder.startTimeout;
    }

    /** A service of this repository by module name, e.g. {@code ingest-service}. */
    public static Builder builder(String module) {
        return new Builder(module, jarOf(module));
    }

    /** The packaged application of {@code module}: {@code <repo>/<module>/target/quarkus-app/quarkus-run.jar}. */
    public static Path jarOf(String module) {
        return repoRoot().resolve(module).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }

    /** The repository root: {@value #REPO_DIR_PROPERTY} if set, else the nearest directory upwards holding mvnw. */
    public static Path repoRoot() {
        String configured = System.getProperty(REPO_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find the Herald repository (no mvnw above "
                + Path.of("").toAbsolutePath() + "); set -D" + REPO_DIR_PROPERTY + "=<repo>");
    }

    /** Starts the service and waits until it reports ready; on failure the message carries the log's tail. */
    public synchronized ServiceProcess start() {
        if (isRunning()) {
            return this;
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " is not packaged: " + jar
                    + " does not exist. Build it first, e.g. ./mvnw -B -DskipTests" + " -pl " + name + " -am package");
        }
        Processes.requireFree(port, name + " HTTP");
        List<String> command = new ArrayList<>();
        command.add(Processes.javaExecutable());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(jar.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(Redirect.appendTo(logFile.toFile()));
        // glibc's default of 8 malloc arenas per core inflates resident memory of a JVM with many threads.
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "=== " + Instant.now() + " starting " + name + " on port " + port + " ===\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        awaitReady();
        return this;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path logFile() {
        return logFile;
    }

    public List<String> logTail(int lines) {
        return Processes.tail(logFile, lines);
    }

    @Override
    protected String label() {
        return name;
    }

    private void awaitReady() {
        ReadyProbe.await(http, name, baseUrl(), startTimeout, Duration.ofMillis(200), () -> {
            if (process.isAlive()) {
                return null;
            }
            int exit = process.exitValue();
            process = null;
            return "exited during start (exit " + exit + ")";
        }, problem -> {
            kill();
            return new IllegalStateException(
                    problem + "; " + logFile + " ends with:" + Processes.indent(logTail(LOG_TAIL_LINES)));
        });
    }

    /** How to run one service. */
    public static final class Builder {

        private final String name;
        private Path jar;
        private int port;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>(DEFAULT_JVM_ARGS);
        private Path logFile;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar;
        }

        /** Another quarkus-run.jar than the module's own. */
        public Builder jar(Path jar) {
            this.jar = jar.toAbsolutePath();
            return this;
        }

        /** The HTTP port (QUARKUS_HTTP_PORT); 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Adds environment variables (on top of this process's own environment). */
        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        public Builder env(String name, String value) {
            this.env.put(name, value);
            return this;
        }

        /** Replaces the JVM options (default {@link #DEFAULT_JVM_ARGS}). */
        public Builder jvmArgs(String... args) {
            this.jvmArgs.clear();
            this.jvmArgs.addAll(List.of(args));
            return this;
        }

        /** Where stdout and stderr go (appended); default {@code <module>/target/<module>.log}. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** The process, not started yet. */
        public ServiceProcess build() {
            return new ServiceProcess(this);
        }

        /** Builds and starts it, waiting for readiness. */
        public ServiceProcess start() {
            return build().start();
        }
    }
}
