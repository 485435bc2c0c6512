package io.herald.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/** Waits for a starting service (a process, a container) to answer 200 on its {@code /q/health/ready}. */
public final class ReadyProbe {

    private ReadyProbe() {
    }

    /**
     * Probes {@code baseUrl}'s readiness every {@code every} until it answers 200.
     *
     * @param gone before each probe: why the service can no longer become ready (it exited), or null while it runs
     * @param failure the exception to throw, given what went wrong (the service's name first); it may clean up
     */
    public static void await(HttpClient http, String name, String baseUrl, Duration timeout, Duration every,
            Supplier<String> gone, Function<String, RuntimeException> failure) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        String lastAnswer = "no answer";
        while (true) {
            String why = gone.get();
            if (why != null) {
                throw failure.apply(name + " " + why);
            }
            try {
                HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
                lastAnswer = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure.apply("Interrupted while waiting for " + name);
            }
            if (Instant.now().isAfter(deadline)) {
                throw failure.apply(name + " was not ready within " + timeout.toSeconds() + " s (last /q/health/ready: "
                        + lastAnswer + ")");
            }
            Processes.sleep(every);
        }
    }
}
