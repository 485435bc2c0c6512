package io.herald.e2e;

import static io.herald.e2e.FaultSuites.counts;
import static io.herald.e2e.FaultSuites.seconds;
import static io.herald.e2e.FaultSuites.since;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.e2e.FaultSuites.Fault;
import io.herald.e2e.FaultSuites.Phase;
import io.herald.kit.auth.Scopes;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;

/**
 * The fault suite. Under a steady load of events, with a receiver that records every webhook-id per endpoint and checks
 * every signature, faults are injected one after another, each followed by a settle period: SIGKILL of ingest,
 * subscription and dispatch (each restarted), the Kafka broker stopped for 10 s and restarted on the same data, and
 * PostgreSQL stopped for 10 s and restarted (delivery continues from dispatch's routing table; the subscription API
 * answers 503 meanwhile and recovers). At the end delivery drains and a table per phase is printed and written to
 * {@code target/fault-suite.md}: events acknowledged with 202, requests not acknowledged, webhooks expected, delivered,
 * lost, duplicates, and recovery times. Any acknowledged event that never reached one of its endpoints fails the suite.
 * <p>
 * The database is an embedded PostgreSQL of this test's own (it is stopped; never the machine's shared server). Soak:
 * {@code -Dherald.soak.minutes=N} (or {@code HERALD_SOAK_MINUTES}) repeats the cycle of faults for N minutes; the rate
 * is {@code -Dherald.faults.rate} events per second (default 50).
 */
class FaultSuiteIT {

    private static final Path WORK = Path.of("target", "e2e-faults").toAbsolutePath();
    private static final Path REPORT = Path.of("target", "fault-suite.md").toAbsolutePath();
    private static final int RATE = Integer.getInteger("herald.faults.rate", 50);
    private static final long SOAK_MINUTES = Long.getLong("herald.soak.minutes",
            Long.parseLong(Optional.ofNullable(System.getenv("HERALD_SOAK_MINUTES")).orElse("0")));
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    /** Every phase runs at least this long after the faulty part is back, then until its backlog is delivered. */
    private static final Duration MIN_SETTLE = Duration.ofSeconds(3);
    private static final Duration MAX_SETTLE = Duration.ofSeconds(45);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** After everything arrived, how long late duplicates get to show up. */
    private static final Duration LATE_DUPLICATES = Duration.ofSeconds(3);
    private static final Duration API_RECOVERY_TIMEOUT = Duration.ofSeconds(30);

    private static final String TENANT_A = "tenant-faults-a";
    private static final String TENANT_B = "tenant-faults-b";
    /** Endpoint paths per tenant; each subscribes to every event of the load, so an A event fans out to two. */
    private static final Map<String, List<String>> ENDPOINTS = Map.of(TENANT_A, List.of("/hooks/a1", "/hooks/a2"),
            TENANT_B, List.of("/hooks/b1"));

    private static final String LEGEND = """
            Events are attributed to the phase in which their request was answered. Webhooks are counted per endpoint \
            and webhook-id (an event of tenant A fans out to two endpoints, of tenant B to one). *lost*: webhooks of \
            events answered 202 that never arrived (must be 0). *duplicates*: extra arrivals of this phase's \
            webhooks; *repeats arriving in phase*: extra arrivals (of any phase's webhooks) that arrived during it. \
            *delivered without 202*: webhooks of requests that were not acknowledged, by how the request ended. \
            *first 202 after fault*: from the fault to the first 202 of a request sent after the first failed one \
            (the fault itself when none failed). *first delivery after fault*: from the fault to the first webhook of \
            an event sent after it. *longest webhook gap*: the longest time without a new webhook.""";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private static PostgresServer postgres;
    private static ServiceStack stack;
    private static Duration stackStart;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startStack() {
        Instant starting = Instant.now();
        // Fixed by the first start and kept across the restarts below.
        postgres = PostgresServer.embedded(WORK.resolve("postgres"), 0);
        // Short retries: a delivery cut by a crash is retried within the run, not minutes later.
        stack = ServiceStack.start(WORK, postgres, "herald_faults",
                Map.of(ServiceEnv.DISPATCH, Map.of("HERALD_DISPATCH_RETRY_SCHEDULE_MS", "500,1000,2000,5000,10000")));
        stack.printProcesses("faults");
        receiver = WebhookReceiver.start();
        stackStart = Duration.between(starting, Instant.now());
    }

    @AfterAll
    static void stopStack() {
        if (receiver != null) {
            receiver.close();
        }
        if (stack != null) {
            stack.close();
        } else if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldDeliverEveryAcknowledgedEventThroughCrashesAndOutages() throws Exception {
        WebhookLedger ledger = new WebhookLedger(receiver);
        double endpointsBefore = DispatchRouting.endpoints(stack.dispatch());
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String tenant : List.of(TENANT_A, TENANT_B)) {
            tokens.put(tenant, TestTokens.token(tenant, Scopes.EVENTS_WRITE));
            for (String path : ENDPOINTS.get(tenant)) {
                ledger.expect(path, FaultSuites.register(stack.subscription().baseUrl(), tenant, receiver.url(path))
                        .path("secret").asText());
            }
        }
        DispatchRouting.awaitEndpoints(stack.dispatch(), endpointsBefore + 3, Duration.ofSeconds(30));

        List<Phase> phases = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Instant began = Instant.now();
        try (SteadyLoad load = new SteadyLoad(stack.ingest().baseUrl(), tokens, "evt_flt_" + stack.run() + "_")) {
            load.start(RATE);
            runPhase(phases, "baseline (no fault)", load, ledger, null);
            ledger.awaitTraffic(load, ENDPOINTS, RATE, Duration.ofSeconds(60));
            Instant soakUntil = began.plus(Duration.ofMinutes(SOAK_MINUTES));
            int cycle = 1;
            do {
                String suffix = cycle == 1 ? "" : " #" + cycle;
                runPhase(phases, "kill -9 ingest" + suffix, load, ledger, p -> restart(p, stack.ingest(), failures));
                runPhase(phases, "kill -9 subscription" + suffix, load, ledger,
                        p -> restart(p, stack.subscription(), failures));
                runPhase(phases, "kill -9 dispatch" + suffix, load, ledger,
                        p -> restart(p, stack.dispatch(), failures));
                runPhase(phases, "Kafka stopped 10 s" + suffix, load, ledger, this::stopKafka);
                runPhase(phases, "PostgreSQL stopped 10 s" + suffix, load, ledger, p -> stopPostgres(p, failures));
                cycle++;
            } while (Instant.now().isBefore(soakUntil));
            load.stop();
            Instant loadStopped = Instant.now();

            ledger.awaitDelivered(load, ENDPOINTS, DRAIN_TIMEOUT);
            Thread.sleep(LATE_DUPLICATES.toMillis());
            String table = report(phases, load.answers(), ledger, loadStopped, failures) + lost(load.answers(), ledger);
            Duration wall = Duration.between(began, Instant.now());
            String summary = String.format(Locale.ROOT,
                    "%n%d events/s over 2 tenants and 3 endpoints; the stack started in %d s, faults and drain took %d s;"
                            + " bad signatures %d, webhooks at unknown paths %d.%n%s%n",
                    RATE, stackStart.toSeconds(), wall.toSeconds(), ledger.badSignatures(), ledger.unknownPaths(),
                    failures.isEmpty() ? "PASS" : "FAIL:\n- " + String.join("\n- ", failures));
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, "# Fault suite\n\n" + LEGEND + "\n\n" + table + summary, StandardCharsets.UTF_8);
            writeAnswers(WORK.resolve("answers-" + stack.run() + ".csv"), load.answers(), ledger);
            System.out.println("\n" + table + summary);
        }
        assertThat(failures).as("fault suite failures (table in %s)", REPORT).isEmpty();
    }

    private void runPhase(List<Phase> phases, String name, SteadyLoad load, WebhookLedger ledger, Fault<Phase> fault)
            throws Exception {
        Phase phase = new Phase(name, Instant.now());
        phases.add(phase);
        FaultSuites.run(phase, fault, load, ledger, ENDPOINTS, MIN_SETTLE, MAX_SETTLE);
        phase.notes.add("dispatch since its start: " + dispatchCounters());
    }

    /** Dispatch's counters that explain a late or missing webhook: postponements and attempts by kind. */
    private static String dispatchCounters() {
        Map<String, Double> samples = new TreeMap<>();
        for (String prefix : List.of("herald_delivery_rescheduled_total", "herald_delivery_attempts_total")) {
            samples.putAll(DispatchRouting.samples(stack.dispatch(), prefix));
        }
        return samples.entrySet().stream().map(
                e -> e.getKey().replace("herald_delivery_", "").replace("_total", "") + "=" + Math.round(e.getValue()))
                .collect(Collectors.joining(" "));
    }

    private static void restart(Phase phase, ServiceProcess service, List<String> failures)
            throws InterruptedException {
        service.kill();
        Instant killed = Instant.now();
        service.start();
        Instant ready = Instant.now();
        phase.notes.add(String.format(Locale.ROOT, "gone %.1f s after SIGKILL, ready again %.1f s later",
                seconds(phase.faultAt, killed), seconds(killed, ready)));
        if (service == stack.subscription()) {
            awaitApi(phase, ready, "readiness", failures);
        }
    }

    /** Polls GET /v1/endpoints until it answers 200; notes how long that took, or adds a failure. */
    private static void awaitApi(Phase phase, Instant since, String event, List<String> failures) {
        // The first try may meet a pooled connection to the killed process: a failure without a status is retried.
        AtomicReference<ApiAnswer> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(API_RECOVERY_TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> last.updateAndGet(ignored -> getEndpoints(TENANT_A)).status() == 200);
        } catch (ConditionTimeoutException e) {
            // Noted as a failure below, with the last answer.
        }
        ApiAnswer answer = last.get();
        if (answer.status() == 200) {
            phase.notes.add(String.format(Locale.ROOT, "GET /v1/endpoints 200 %.1f s after %s",
                    seconds(since, Instant.now()), event));
        } else {
            phase.notes.add("GET /v1/endpoints still " + answer.describe());
            failures.add(phase.name + ": GET /v1/endpoints did not answer 200 within "
                    + API_RECOVERY_TIMEOUT.toSeconds() + " s of " + event + ", last " + answer.describe());
        }
    }

    private void stopKafka(Phase phase) throws InterruptedException {
        stack.kafka().stop();
        Instant stopped = Instant.now();
        Thread.sleep(OUTAGE.toMillis());
        Instant starting = Instant.now();
        stack.kafka().start();
        phase.notes.add(String.format(Locale.ROOT, "stop took %.1f s, down %.0f s, start took %.1f s",
                seconds(phase.faultAt, stopped), seconds(stopped, starting), seconds(starting, Instant.now())));
    }

    private void stopPostgres(Phase phase, List<String> failures) throws InterruptedException {
        postgres.stop();
        Instant stopped = Instant.now();
        Map<String, Integer> during = new TreeMap<>();
        while (Duration.between(stopped, Instant.now()).compareTo(OUTAGE) < 0) {
            ApiAnswer answer = getEndpoints(TENANT_A);
            during.merge(answer.describe(), 1, Integer::sum);
            Thread.sleep(500);
        }
        postgres.start();
        Instant started = Instant.now();
        phase.notes.add("GET /v1/endpoints while down: " + during);
        String unavailable = new ApiAnswer(503, "application/problem+json", null).describe();
        if (!during.keySet().equals(Set.of(unavailable))) {
            failures.add(
                    "the subscription API should answer only 503 problem+json while PostgreSQL is down, got " + during);
        }
        awaitApi(phase, started, "PostgreSQL's restart", failures);
    }

    /** The table; adds a failure per phase that lost an acknowledged event and for every signature that failed. */
    private static String report(List<Phase> phases, List<SteadyLoad.Answer> answers, WebhookLedger ledger,
            Instant loadStopped, List<String> failures) {
        StringBuilder table = new StringBuilder();
        table.append("| phase | length | 202s | not acknowledged | webhooks expected | delivered | lost | duplicates"
                + " | repeats arriving in phase | delivered without 202 | first 202 after fault"
                + " | first delivery after fault | longest webhook gap | notes |\n");
        table.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|\n");
        List<Instant> arrivals = ledger.firstArrivals();
        List<Instant> repeats = ledger.repeated().stream().flatMap(r -> r.repeats().stream()).toList();
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            Instant end = i + 1 < phases.size() ? phases.get(i + 1).start : Instant.MAX;
            long acknowledged = 0;
            long expected = 0;
            long delivered = 0;
            long duplicates = 0;
            Map<String, Integer> deliveredUnacknowledged = new TreeMap<>();
            Map<String, Integer> refused = new TreeMap<>();
            Instant first202 = null;
            // A broker stopped gracefully still acknowledges for a moment: producers recover from the first failure.
            Instant outageSeen = phase.faultAt == null ? null
                    : answers.stream()
                            .filter(a -> !a.acknowledged() && !a.sentAt().isBefore(phase.faultAt)
                                    && a.sentAt().isBefore(end))
                            .map(SteadyLoad.Answer::sentAt).min(Comparator.naturalOrder()).orElse(phase.faultAt);
            Instant firstDelivery = null;
            for (SteadyLoad.Answer a : answers) {
                if (a.answeredAt().isBefore(phase.start) || !a.answeredAt().isBefore(end)) {
                    continue;
                }
                boolean afterFault = phase.faultAt != null && !a.sentAt().isBefore(phase.faultAt);
                if (a.acknowledged()) {
                    acknowledged++;
                    if (afterFault && a.sentAt().isAfter(outageSeen)
                            && (first202 == null || a.answeredAt().isBefore(first202))) {
                        first202 = a.answeredAt();
                    }
                } else {
                    refused.merge(a.outcome(), 1, Integer::sum);
                }
                for (String path : ENDPOINTS.get(a.tenant())) {
                    WebhookLedger.Receipt receipt = ledger.receipt(path, a.eventId());
                    if (a.acknowledged()) {
                        expected++;
                    }
                    if (receipt == null) {
                        continue;
                    }
                    duplicates += receipt.count() - 1;
                    if (a.acknowledged()) {
                        delivered++;
                        if (afterFault && (firstDelivery == null || receipt.first().isBefore(firstDelivery))) {
                            firstDelivery = receipt.first();
                        }
                    } else {
                        deliveredUnacknowledged.merge(a.outcome(), 1, Integer::sum);
                    }
                }
            }
            long lost = expected - delivered;
            if (lost > 0) {
                failures.add(phase.name + ": " + lost + " webhooks of acknowledged events never arrived");
            }
            if (phase.faultAt != null && first202 == null) {
                failures.add(phase.name + ": no event was acknowledged after the fault");
            }
            Instant from = phase.start;
            long repeatsInPhase = repeats.stream().filter(at -> !at.isBefore(from) && at.isBefore(end)).count();
            table.append(String.format(Locale.ROOT,
                    "| %s | %.0f s | %d | %s | %d | %d | %d | %d | %d | %s | %s | %s | %.1f s | %s |%n", phase.name,
                    seconds(phase.start, i + 1 < phases.size() ? end : loadStopped), acknowledged, counts(refused),
                    expected, delivered, lost, duplicates, repeatsInPhase, counts(deliveredUnacknowledged),
                    since(phase.faultAt, first202), since(phase.faultAt, firstDelivery),
                    WebhookLedger.longestGap(arrivals, phase.start, end).toMillis() / 1000.0,
                    String.join("; ", phase.notes)));
        }
        FaultSuites.checkSignaturesAndPaths(ledger, failures);
        return table.toString();
    }

    /**
     * The first webhooks of acknowledged events that never arrived, each with its event's delivery log as
     * subscription-service recorded it (whether dispatch tried, dropped, retried or dead-lettered it); empty when none.
     */
    private static String lost(List<SteadyLoad.Answer> answers, WebhookLedger ledger) {
        List<String> lines = new ArrayList<>();
        for (SteadyLoad.Answer a : answers) {
            for (String path : a.acknowledged() ? ENDPOINTS.get(a.tenant()) : List.<String> of()) {
                if (ledger.receipt(path, a.eventId()) == null && lines.size() < 20) {
                    lines.add(String.format(Locale.ROOT, "- %s to %s, answered %s; delivery log: %s", a.eventId(), path,
                            a.answeredAt(), attemptsOf(a.tenant(), a.eventId())));
                }
            }
        }
        if (lines.isEmpty()) {
            return "";
        }
        for (String tenant : ENDPOINTS.keySet()) {
            for (JsonNode endpoint : get(tenant, "/v1/endpoints").path("data")) {
                lines.add(String.format(Locale.ROOT, "- %s (%s) failed attempts: %s", endpoint.path("id").asText(),
                        endpoint.path("url").asText(), attempts(tenant, "/v1/endpoints/" + endpoint.path("id").asText()
                                + "/attempts?status=retry_scheduled,exhausted,dropped,endpoint_disabled&limit=10")));
            }
        }
        return "\nWebhooks lost (the first 20), then each endpoint's failed attempts:\n" + String.join("\n", lines)
                + "\n";
    }

    private static String attemptsOf(String tenant, String eventId) {
        return attempts(tenant, "/v1/events/" + eventId + "/attempts");
    }

    private static JsonNode get(String tenant, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.subscription().baseUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + TestTokens.token(tenant, Scopes.ENDPOINTS_READ)).GET().build();
        try {
            return Json.read(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body(), JsonNode.class);
        } catch (IOException | RuntimeException e) {
            return Json.read("{\"unreadable\":\"" + e.getClass().getSimpleName() + "\"}", JsonNode.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.read("{\"unreadable\":\"interrupted\"}", JsonNode.class);
        }
    }

    /** The attempts of a delivery-log page, one line each. */
    private static String attempts(String tenant, String path) {
        JsonNode page = get(tenant, path);
        if (page.has("unreadable")) {
            return "unreadable (" + page.path("unreadable").asText() + ")";
        }
        List<String> attempts = new ArrayList<>();
        page.path("data")
                .forEach(attempt -> attempts.add(attempt.path("endpointId").asText() + " #"
                        + attempt.path("attempt").asText() + " " + attempt.path("status").asText() + " "
                        + attempt.path("statusCode").asText() + " " + attempt.path("error").asText() + " at "
                        + attempt.path("attemptedAt").asText() + " next " + attempt.path("nextAttemptAt").asText()));
        return attempts.isEmpty() ? "none" : String.join("; ", attempts);
    }

    /** Every request with its outcome and when its webhooks arrived, to look into a run after the fact. */
    private static void writeAnswers(Path file, List<SteadyLoad.Answer> answers, WebhookLedger ledger)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("event_id,tenant,sent_at,answered_at,outcome,webhooks_expected,webhooks_arrived,first_webhook_at");
        answers.stream().sorted(Comparator.comparing(SteadyLoad.Answer::sentAt)).forEach(a -> {
            List<WebhookLedger.Receipt> receipts = ENDPOINTS.get(a.tenant()).stream()
                    .map(p -> ledger.receipt(p, a.eventId())).filter(Objects::nonNull).toList();
            lines.add(String.join(",", a.eventId(), a.tenant(), a.sentAt().toString(), a.answeredAt().toString(),
                    a.outcome(), Integer.toString(ENDPOINTS.get(a.tenant()).size()),
                    Integer.toString(receipts.stream().mapToInt(WebhookLedger.Receipt::count).sum()),
                    receipts.stream().map(WebhookLedger.Receipt::first).min(Comparator.naturalOrder())
                            .map(Instant::toString).orElse("")));
        });
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** An answer of the subscription API: a status with its media type, or a failure without one. */
    private record ApiAnswer(int status, String mediaType, String failure) {

        String describe() {
            return status > 0 ? status + " " + mediaType : failure;
        }
    }

    private static ApiAnswer getEndpoints(String tenant) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.subscription().baseUrl() + "/v1/endpoints"))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + TestTokens.admin(tenant)).GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String mediaType = response.headers().firstValue("Content-Type").orElse("(none)").split(";")[0].trim();
            return new ApiAnswer(response.statusCode(), mediaType, null);
        } catch (IOException e) {
            return new ApiAnswer(-1, null, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApiAnswer(-1, null, "interrupted");
        }
    }
}
