package io.herald.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.herald.devstack.ServiceProcess;

/**
 * Runs podman the way {@code deploy/images.sh} does: with {@code deploy/containers.conf} (runc, cgroupfs, no ulimit
 * changes) unless {@code CONTAINERS_CONF} names another configuration.
 */
final class Podman {

    private Podman() {
    }

    /** What a command printed (stdout and stderr together) and how it exited. */
    record Result(int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }
    }

    static Path repo() {
        return ServiceProcess.repoRoot();
    }

    /** Runs {@code podman args...}, waiting at most {@code timeout}; a command still running then is killed. */
    static Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(List.of(args));
        return exec(command, timeout, null);
    }

    /** Runs {@code podman args...} and fails with podman's own words unless it exits 0. */
    static String require(Duration timeout, String... args) {
        Result result = run(timeout, args);
        if (!result.ok()) {
            throw new IllegalStateException(
                    "podman " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output().strip();
    }

    /**
     * Runs a command of the repository (e.g. deploy/images.sh) with {@code env} added to its environment and its output
     * appended to {@code log}.
     */
    static Result script(Path log, Duration timeout, Map<String, String> env, String... command) {
        return exec(List.of(command), timeout, log, env);
    }

    private static Result exec(List<String> command, Duration timeout, Path log) {
        return exec(command, timeout, log, Map.of());
    }

    private static Result exec(List<String> command, Duration timeout, Path log, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(repo().toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        if (System.getenv("CONTAINERS_CONF") == null) {
            builder.environment().put("CONTAINERS_CONF", repo().resolve("deploy/containers.conf").toString());
        }
        try {
            Path output = log != null ? log : Files.createTempFile("podman", ".out");
            Files.createDirectories(output.toAbsolutePath().getParent());
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            Process process = builder.start();
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor();
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (log == null) {
                Files.delete(output);
            }
            return new Result(exited ? process.exitValue() : -1,
                    exited ? text : text + "\n(killed: still running after " + timeout + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }
}
