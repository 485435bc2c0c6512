package io.herald.containers;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.herald.devstack.ReadyProbe;

/**
 * One Herald service run from its image with podman, the way the Helm chart runs it: host network (the test's Kafka,
 * PostgreSQL and webhook receiver listen on 127.0.0.1), the chart's user, read-only root filesystem with a size-limited
 * writable /tmp, all capabilities dropped, no privilege escalation, the chart's memory limit and JVM options.
 */
final class ServiceContainer {

    private static final Duration PODMAN_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 60;

    private final String name;
    private final ChartRuntime chart;
    private final Map<String, String> env;
    private final int port;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String containerId;

    /**
     * @param name the container's name (unique on this machine)
     * @param env the service's environment; QUARKUS_HTTP_PORT and JDK_JAVA_OPTIONS are added
     * @param logFile where the container's output is saved when it is removed
     */
    ServiceContainer(String name, ChartRuntime chart, Map<String, String> env, int port, Path logFile) {
        this.name = name;
        this.chart = chart;
        this.env = Map.copyOf(env);
        this.port = port;
        this.logFile = logFile;
    }

    String name() {
        return name;
    }

    ChartRuntime chart() {
        return chart;
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the container and waits until {@code /q/health/ready} answers 200; on failure, fails with its log. */
    synchronized ServiceContainer start(Duration timeout) {
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name, "--network", "host", "--user",
                chart.runAsUser() + ":" + chart.runAsGroup(), "--memory", ChartRuntime.podmanSize(chart.memoryLimit()),
                "--memory-swap", ChartRuntime.podmanSize(chart.memoryLimit()), "--tmpfs",
                "/tmp:rw,nosuid,nodev,mode=1777,size=" + ChartRuntime.podmanSize(chart.tmpSizeLimit())));
        if (chart.readOnlyRootFilesystem()) {
            // Only /tmp is writable, as in the pod (podman would otherwise add tmpfs mounts of its own on /run etc.).
            args.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
        }
        chart.capabilitiesDrop().forEach(c -> args.addAll(List.of("--cap-drop", c)));
        if (!chart.allowPrivilegeEscalation()) {
            args.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        args.addAll(List.of("--env", "JDK_JAVA_OPTIONS=" + chart.javaOpts()));
        args.addAll(List.of("--env", "QUARKUS_HTTP_PORT=" + port));
        env.forEach((k, v) -> args.addAll(List.of("--env", k + "=" + v)));
        args.add(chart.image());
        containerId = Podman.require(PODMAN_TIMEOUT, args.toArray(String[]::new));
        awaitReady(timeout);
        return this;
    }

    /** Whether the container is running, as podman sees it. */
    boolean isRunning() {
        return containerId != null && "running".equals(state());
    }

    /**
     * Sends SIGTERM, as the kubelet does, and waits up to {@code limit} for the container to exit. Returns how long it
     * took; a container still running past the limit is killed and the test fails.
     */
    Stopped terminate(Duration limit) {
        Instant sent = Instant.now();
        Podman.require(PODMAN_TIMEOUT, "kill", "--signal", "TERM", name);
        Podman.Result waited = Podman.run(limit, "wait", name);
        Duration took = Duration.between(sent, Instant.now());
        if (!waited.ok()) {
            Podman.run(PODMAN_TIMEOUT, "kill", "--signal", "KILL", name);
            throw new AssertionError(name + " was still running " + limit.toSeconds()
                    + " s after SIGTERM (Kubernetes would SIGKILL it now); its log ends with:\n" + tail());
        }
        return new Stopped(took, Integer.parseInt(waited.output().strip().lines().reduce((a, b) -> b).orElse("-1")),
                logs());
    }

    /** How a container stopped: the time from SIGTERM to its exit, its exit code and its whole output. */
    record Stopped(Duration took, int exitCode, String log) {
    }

    /** Runs {@code command} inside the container as its user. */
    Podman.Result exec(String... command) {
        List<String> args = new ArrayList<>(List.of("exec", name));
        args.addAll(List.of(command));
        return Podman.run(PODMAN_TIMEOUT, args.toArray(String[]::new));
    }

    /** The container's output so far. */
    String logs() {
        return Podman.run(PODMAN_TIMEOUT, "logs", name).output();
    }

    String tail() {
        List<String> lines = logs().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** Saves the log and removes the container (killing it if still running). */
    synchronized void remove() {
        if (containerId == null) {
            return;
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, logs(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("Cannot save the log of " + name + ": " + e);
        }
        Podman.run(PODMAN_TIMEOUT, "rm", "--force", "--time", "0", name);
        containerId = null;
    }

    private String state() {
        return Podman.run(PODMAN_TIMEOUT, "inspect", "--format", "{{.State.Status}}", name).output().strip();
    }

    private void awaitReady(Duration timeout) {
        ReadyProbe.await(http, name, baseUrl(), timeout, Duration.ofMillis(500), () -> {
            String state = state();
            return "running".equals(state) ? null : "is " + state + " during start (" + chart.image() + ")";
        }, problem -> new IllegalStateException(problem + "; its log ends with:\n" + tail()));
    }
}
