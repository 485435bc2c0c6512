package io.herald.e2e;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;

/**
 * A producer posting single events to ingest at a fixed rate, round-robin over tenants, without an Idempotency-Key, and
 * recording every answer. Each event carries its own id, so a webhook can be matched to the request that produced it
 * even when that request failed. A tick that finds too many requests outstanding (ingest hanging during an outage) is
 * recorded as not sent rather than queued, so the rate stays fixed and nothing piles up.
 */
final class SteadyLoad implements AutoCloseable {

    /** A request's outcome: {@code status} is the HTTP status, or -1 with {@code failure} set when there was none. */
    record Answer(String eventId, String tenant, Instant sentAt, Instant answeredAt, int status, String failure) {

        boolean acknowledged() {
            return status == 202;
        }

        /** How the request ended, for the table: {@code 202}, {@code 503}, {@code refused}, {@code timeout}, ... */
        String outcome() {
            return status > 0 ? Integer.toString(status) : failure;
        }
    }

    static final String NOT_SENT = "not sent";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_IN_FLIGHT = 200;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    /** POST /v1/events of each ingest replica; requests rotate through them. */
    private final List<URI> events;
    private final List<String> tenants;
    private final Map<String, String> tokens;
    private final String idPrefix;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "steady-load");
        thread.setDaemon(true);
        return thread;
    });
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param ingestBaseUrl ingest's base URL (its port stays the same across restarts)
     * @param tokens a bearer token with {@code events:write} per tenant, in the order events rotate through them
     * @param idPrefix prefix of the event ids, unique per run
     */
    SteadyLoad(String ingestBaseUrl, Map<String, String> tokens, String idPrefix) {
        this(List.of(ingestBaseUrl), tokens, idPrefix);
    }

    /**
     * A load spread over several ingest replicas, as a Kubernetes Service spreads it: requests rotate through
     * {@code ingestBaseUrls}, and a request whose connection is refused (a replica that is down) is sent once more to
     * the next replica, as a load balancer that has not yet noticed the dead one would retry it.
     */
    SteadyLoad(List<String> ingestBaseUrls, Map<String, String> tokens, String idPrefix) {
        this.events = ingestBaseUrls.stream().map(url -> URI.create(url + "/v1/events")).toList();
        this.tenants = List.copyOf(tokens.keySet());
        this.tokens = Map.copyOf(tokens);
        this.idPrefix = idPrefix;
    }

    void start(int perSecond) {
        ticker.scheduleAtFixedRate(this::tick, 0, 1_000_000L / perSecond, TimeUnit.MICROSECONDS);
    }

    /** Stops sending and waits for the requests still outstanding. */
    void stop() throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        if (inFlight.tryAcquire(MAX_IN_FLIGHT, REQUEST_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
            inFlight.release(MAX_IN_FLIGHT);
        }
    }

    /** Every answer so far, in no particular order. */
    List<Answer> answers() {
        return new ArrayList<>(answers);
    }

    private void tick() {
        long n = sequence.getAndIncrement();
        String tenant = tenants.get((int) (n % tenants.size()));
        String id = idPrefix + n;
        Instant sentAt = Instant.now();
        if (!inFlight.tryAcquire()) {
            answers.add(new Answer(id, tenant, sentAt, sentAt, -1, NOT_SENT));
            return;
        }
        String body = "{\"id\":\"" + id + "\",\"type\":\"load.tick\",\"data\":{\"n\":" + n + "}}";
        // Rotated per round over the tenants, so each tenant's events go to every replica in turn (with n alone, the
        // same tenants would always meet the same replica, as no load balancer pins them).
        int replica = (int) ((n / tenants.size()) % events.size());
        send(events.get(replica), tenant, body).exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            // Nothing was sent to a replica that refused the connection: safe to send once more, elsewhere.
            return events.size() > 1 && cause instanceof ConnectException
                    ? send(events.get((replica + 1) % events.size()), tenant, body)
                    : CompletableFuture.failedFuture(error);
        }).whenComplete((response, error) -> {
            try {
                answers.add(answer(id, tenant, sentAt, response, error));
            } finally {
                inFlight.release();
            }
        });
    }

    private CompletableFuture<HttpResponse<String>> send(URI uri, String tenant, String body) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + tokens.get(tenant)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Answer answer(String id, String tenant, Instant sentAt, HttpResponse<String> response,
            Throwable error) {
        Instant now = Instant.now();
        if (error != null) {
            return new Answer(id, tenant, sentAt, now, -1, failure(error));
        }
        if (response.statusCode() == 202) {
            String acknowledged = Json.read(response.body(), JsonNode.class).path("id").asText();
            if (!id.equals(acknowledged)) {
                // Not what ingest promises; surfaces in the table as its own outcome instead of a silent count.
                return new Answer(id, tenant, sentAt, now, -1, "202 for id " + acknowledged);
            }
        }
        return new Answer(id, tenant, sentAt, now, response.statusCode(), null);
    }

    private static String failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (cause instanceof ConnectException) {
            return "refused";
        }
        if (cause instanceof IOException) {
            return "io error";
        }
        return cause.getClass().getSimpleName();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
