package io.herald.containers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;

/**
 * Posts one event every {@code pause} to ingest from a thread of its own and remembers the id of every event answered
 * 202: those are the events Herald promised to deliver. Refused or failed requests (ingest stopping) are only counted.
 */
final class SteadyProducer implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    private SteadyProducer(String ingestUrl, String token, String type, Duration pause) {
        this.thread = new Thread(() -> {
            int n = 0;
            while (running) {
                post(ingestUrl, token, type, n++);
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "steady-producer");
        thread.setDaemon(true);
    }

    static SteadyProducer start(String ingestUrl, String token, String type, Duration pause) {
        SteadyProducer producer = new SteadyProducer(ingestUrl, token, type, pause);
        producer.thread.start();
        return producer;
    }

    /** Ids of the events answered 202 so far. */
    List<String> accepted() {
        return List.copyOf(accepted);
    }

    int failed() {
        return failed.get();
    }

    /** Waits until at least {@code count} events were accepted. */
    void awaitAccepted(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (accepted.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Only " + accepted.size() + " of " + count + " events were accepted within "
                        + timeout + " (" + failed.get() + " requests failed)");
            }
            Thread.sleep(50);
        }
    }

    private void post(String ingestUrl, String token, String type, int n) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/events"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"" + type + "\",\"data\":{\"n\":" + n + "}}"))
                .build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 202) {
                JsonNode body = Json.mapper().readTree(answer.body());
                accepted.add(body.path("id").asText());
            } else {
                failed.incrementAndGet();
            }
        } catch (IOException e) {
            failed.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(15).toMillis());
    }
}
