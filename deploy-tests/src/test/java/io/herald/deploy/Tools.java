package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The helm and kubectl binaries, fetched once by {@code deploy-tests/fetch-helm.sh} (never assumed installed), and a
 * way to run them.
 */
final class Tools {

    /** What a command printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {

        boolean ok() {
            return exitCode == 0;
        }
    }

    private static Path helm;

    private Tools() {
    }

    static synchronized Path helm() {
        if (helm == null) {
            String tools = System.getProperty("herald.tools.dir", Repo.TARGET.resolve("tools").toString());
            Result fetched = run(List.of(Repo.ROOT.resolve("deploy-tests/fetch-helm.sh").toString(), tools), 300);
            assertThat(fetched.ok()).as("fetch-helm.sh failed: %s", fetched.stderr()).isTrue();
            helm = Path.of(fetched.stdout().strip());
        }
        return helm;
    }

    static Path kubectl() {
        return helm().getParent().getParent().resolve("kubectl/kubectl");
    }

    /** Runs helm with these arguments. */
    static Result helm(String... args) {
        List<String> command = new ArrayList<>();
        command.add(helm().toString());
        command.addAll(List.of(args));
        return run(command, 60);
    }

    /** Runs helm and returns its output, failing the test when it exits non-zero. */
    static String helmOk(String... args) {
        Result result = helm(args);
        assertThat(result.ok()).as("helm %s failed:%n%s", String.join(" ", args), result.stderr()).isTrue();
        return result.stdout();
    }

    static Result run(List<String> command, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).directory(Repo.ROOT.toFile()).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process, false));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process, true));
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readAll(Process process, boolean stderr) {
        try {
            return new String((stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
