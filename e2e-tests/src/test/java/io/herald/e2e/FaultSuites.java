package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;

/**
 * What the fault suites ({@link FaultSuiteIT}, {@link ScaleOutSuiteIT}) share: the endpoints of their load, the cells
 * of their report tables and the checks every phase's table ends with.
 */
final class FaultSuites {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private FaultSuites() {
    }

    /** A phase of a suite's run: a fault (or none), the time it was injected, when the faulty part was back. */
    static class Phase {
        final String name;
        final Instant start;
        Instant faultAt;
        Instant backAt;
        final List<String> notes = new ArrayList<>();

        Phase(String name, Instant start) {
            this.name = name;
            this.start = start;
        }
    }

    /** What a phase does to the stack; returns once the faulty part is back. */
    @FunctionalInterface
    interface Fault<P extends Phase> {
        void inject(P phase) throws Exception;
    }

    /**
     * Injects {@code fault} into {@code phase} (null: a phase without one), then waits until the backlog it left is
     * delivered: every webhook of an event acknowledged before the faulty part was back, {@code minSettle} at least and
     * {@code maxSettle} at most (noted when it was not). Later events keep flowing; whether they all arrive is decided
     * once at the end.
     */
    static <P extends Phase> void run(P phase, Fault<P> fault, SteadyLoad load, WebhookLedger ledger,
            Map<String, List<String>> endpoints, Duration minSettle, Duration maxSettle) throws Exception {
        if (fault != null) {
            phase.faultAt = Instant.now();
            fault.inject(phase);
            phase.backAt = Instant.now();
        }
        Instant cut = phase.backAt != null ? phase.backAt : phase.start;
        long outstanding = ledger.awaitBacklog(load, endpoints, cut, minSettle, maxSettle);
        if (outstanding > 0) {
            phase.notes.add("backlog not delivered " + maxSettle.toSeconds() + " s later (" + outstanding
                    + " webhooks outstanding)");
        }
    }

    /**
     * Registers, through the subscription API at {@code subscriptionUrl}, an endpoint of {@code tenant} at {@code url}
     * for every event type of the load ({@code load.*}); returns the answer (id, secret).
     */
    static JsonNode register(String subscriptionUrl, String tenant, String url)
            throws IOException, InterruptedException {
        String body = Json.write(Map.of("url", url, "eventTypes", List.of("load.*")));
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(subscriptionUrl + "/v1/endpoints"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TestTokens.admin(tenant))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as("POST /v1/endpoints: %s", created.body()).isEqualTo(201);
        return Json.read(created.body(), JsonNode.class);
    }

    /** Adds a failure for every webhook that failed its signature or arrived at a path no endpoint has. */
    static void checkSignaturesAndPaths(WebhookLedger ledger, List<String> failures) {
        if (ledger.badSignatures() > 0) {
            failures.add(ledger.badSignatures() + " webhooks failed signature verification");
        }
        if (ledger.unknownPaths() > 0) {
            failures.add(ledger.unknownPaths() + " webhooks arrived at paths no endpoint was registered for");
        }
    }

    /** {@code 0}, or the total followed by the count per kind. */
    static String counts(Map<String, Integer> byKind) {
        long total = byKind.values().stream().mapToLong(Integer::longValue).sum();
        return total == 0 ? "0" : total + " " + byKind;
    }

    /** From the fault to {@code event}, in seconds; {@code -} without a fault, {@code never} without the event. */
    static String since(Instant fault, Instant event) {
        if (fault == null) {
            return "-";
        }
        return event == null ? "never" : String.format(Locale.ROOT, "%.1f s", seconds(fault, event));
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /**
     * What the kubelet's liveness probe does: watches {@code replica}'s {@code /q/health/live} every two seconds for up
     * to {@code watch}, and once it answered DOWN three times in a row stops the replica (SIGTERM) and starts it again.
     *
     * @return when it was first seen DOWN, or empty if it stayed live
     */
    static Optional<Instant> restartIfNotLive(ServiceProcess replica, Duration watch) throws InterruptedException {
        Instant deadline = Instant.now().plus(watch);
        Instant firstDown = null;
        int down = 0;
        while (Instant.now().isBefore(deadline)) {
            int status;
            try {
                status = HTTP
                        .send(HttpRequest.newBuilder(URI.create(replica.baseUrl() + "/q/health/live"))
                                .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException e) {
                status = 0;
            }
            if (status == 503) {
                firstDown = firstDown == null ? Instant.now() : firstDown;
                if (++down == 3) {
                    replica.stop();
                    replica.start();
                    return Optional.of(firstDown);
                }
            } else {
                down = 0;
                firstDown = null;
            }
            Thread.sleep(2000);
        }
        return Optional.empty();
    }
}
