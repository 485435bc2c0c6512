package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventMessage;
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
import io.herald.devstack.ServiceProcess;
import io.herald.kit.auth.Scopes;
import io.herald.testing.TestTokens;

/**
 * ingest-service's promises where only real processes can show them: a broker process that dies mid-load and comes back
 * on the same data, and two ingest instances (plus a restart) sharing the idempotency store in PostgreSQL.
 */
class IngestDurabilityIT {

    private static final String TENANT = "tenant-durability";
    private static final String TOKEN = TestTokens.token(TENANT, Scopes.EVENTS_WRITE);
    private static final Logger KAFKA_CLIENT_LOG = quiet("org.apache.kafka");
    private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();

    private static KafkaBroker kafka;
    private static PostgresServer postgres;
    private static String database;
    private static ServiceProcess ingestA;
    private static ServiceProcess ingestB;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static Logger quiet(String category) {
        Logger logger = Logger.getLogger(category);
        logger.setLevel(Level.WARNING);
        return logger;
    }

    @BeforeAll
    static void startStack() throws Exception {
        assertThat(ServiceProcess.jarOf(ServiceEnv.INGEST))
                .as("package ingest-service first (this test builds nothing)").exists();
        String run = UUID.randomUUID().toString().substring(0, 8);
        kafka = KafkaBroker.create(WORK.resolve("kafka-durability-" + run)).start();
        HeraldTopics.create(kafka.bootstrapServers(), 3);
        postgres = PostgresServer.forTests(WORK.resolve("postgres"));
        database = "herald_durability_" + run;
        PostgresConnection db = postgres.ensureDatabase(database);

        Map<String, String> env = new LinkedHashMap<>(
                new ServiceEnv(kafka.bootstrapServers(), db, TestTokens.SECRET).envFor(ServiceEnv.INGEST));
        // Load from one tenant: the rate limit is not what this test is about.
        env.put("HERALD_INGEST_RATE_LIMIT_DEFAULT_PER_SECOND", "0");
        Path logs = WORK.resolve("logs-durability-" + run);
        ingestA = ServiceProcess.builder(ServiceEnv.INGEST).env(env).logFile(logs.resolve("ingest-a.log")).build();
        ingestB = ServiceProcess.builder(ServiceEnv.INGEST).env(env).logFile(logs.resolve("ingest-b.log")).build();
        // Both at once: Flyway serialises their migrations with a PostgreSQL lock.
        java.util.concurrent.CompletableFuture<ServiceProcess> b = java.util.concurrent.CompletableFuture
                .supplyAsync(ingestB::start);
        ingestA.start();
        b.join();
    }

    @AfterAll
    static void stopStack() {
        for (ServiceProcess ingest : new ServiceProcess[] { ingestB, ingestA }) {
            if (ingest != null) {
                ingest.stop();
            }
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            if (database != null) {
                postgres.dropDatabase(database);
            }
            postgres.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNeverAnswer202ForAnEventKafkaDoesNotHaveWhenTheBrokerDiesMidLoad() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger acceptedAfterRestart = new AtomicInteger();
        AtomicBoolean restarted = new AtomicBoolean();
        Map<Integer, AtomicInteger> others = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        String run = UUID.randomUUID().toString().substring(0, 8);
        int clients = 8;
        ExecutorService load = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            workers.add(load.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    String id = "load-" + run + "-" + client + "-" + n;
                    ServiceProcess target = n % 2 == 0 ? ingestA : ingestB;
                    int status = post(target, null, "{\"id\":\"" + id + "\",\"type\":\"load.tick\",\"data\":{}}")
                            .statusCode();
                    if (status == 202) {
                        acknowledged.add(id);
                        if (restarted.get()) {
                            acceptedAfterRestart.incrementAndGet();
                        }
                    } else if (status == 503) {
                        unavailable.incrementAndGet();
                    } else {
                        others.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        try {
            awaitAtLeast(() -> acknowledged.size(), 200, Duration.ofSeconds(15));
            int beforeKill = acknowledged.size();
            kafka.kill();
            awaitAtLeast(unavailable::get, clients, Duration.ofSeconds(15));

            // A keyed request that fails with 503 must not keep its key: the retry after the outage publishes.
            String key = "outage-" + run;
            String keyed = "{\"type\":\"load.keyed\",\"data\":{\"run\":\"" + run + "\"}}";
            assertThat(post(ingestA, key, keyed).statusCode()).isEqualTo(503);

            kafka.start();
            restarted.set(true);
            awaitAtLeast(acceptedAfterRestart::get, 200, Duration.ofSeconds(25));
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(15, TimeUnit.SECONDS);
            }
            HttpResponse<String> retried = post(ingestB, key, keyed);
            assertThat(retried.statusCode()).isEqualTo(202);
            assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();

            Set<String> stored = eventIdsInTopic();
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            long loadRecords = stored.stream().filter(id -> id.startsWith("load-" + run + "-")).count();
            System.out.printf(Locale.ROOT,
                    "ingest durability: 202s %d (%d before the kill, %d after the restart), 503s %d, other %s, "
                            + "records in %s %d, acknowledged but missing %d%n",
                    acknowledged.size(), beforeKill, acceptedAfterRestart.get(), unavailable.get(), others,
                    Topics.EVENTS, loadRecords, lost.size());
            assertThat(lost).as("events answered 202 that Kafka does not have").isEmpty();
            assertThat(loadRecords).isGreaterThanOrEqualTo(acknowledged.size());
            assertThat(unavailable.get()).as("the outage was noticed").isGreaterThanOrEqualTo(clients);
            assertThat(others).as("only 202 and 503 under load").isEmpty();
            assertThat(stored).contains(
                    Json.read(retried.body(), com.fasterxml.jackson.databind.JsonNode.class).path("id").asText());
        } finally {
            running.set(false);
            load.shutdownNow();
            if (!kafka.isRunning()) {
                kafka.start();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswerAnIdempotencyKeyOnceAcrossTwoInstancesAndARestart() throws Exception {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        // No id: each publication would get a new generated id, so one id means one publication.
        String body = "{\"type\":\"order.created\",\"data\":{\"marker\":\"" + marker + "\"}}";

        HttpResponse<String> first = post(ingestA, key, body);
        assertThat(first.statusCode()).isEqualTo(202);
        String id = Json.read(first.body(), com.fasterxml.jackson.databind.JsonNode.class).path("id").asText();

        HttpResponse<String> onB = post(ingestB, key, body);
        assertThat(onB.statusCode()).isEqualTo(202);
        assertThat(onB.body()).isEqualTo(first.body());
        assertThat(onB.headers().firstValue("Idempotent-Replayed")).contains("true");

        ingestA.stop();
        ingestA.start();
        HttpResponse<String> afterRestart = post(ingestA, key, body);
        assertThat(afterRestart.statusCode()).isEqualTo(202);
        assertThat(afterRestart.body()).isEqualTo(first.body());
        assertThat(post(ingestB, key, body.replace(marker, "another")).statusCode()).isEqualTo(422);

        List<String> published = new ArrayList<>();
        forEachEvent(e -> {
            if (marker.equals(e.data().path("marker").asText())) {
                published.add(e.id());
            }
        });
        assertThat(published).containsExactly(id);
    }

    private static HttpResponse<String> post(ServiceProcess ingest, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/v1/events"))
                .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("POST to " + ingest.baseUrl() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitAtLeast(java.util.function.IntSupplier value, int expected, Duration timeout) {
        await().atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(value::getAsInt, greaterThanOrEqualTo(expected));
    }

    private static Set<String> eventIdsInTopic() {
        Set<String> ids = new HashSet<>();
        forEachEvent(e -> ids.add(e.id()));
        return ids;
    }

    /** Every record in herald.events up to the current end of each partition. */
    private static void forEachEvent(java.util.function.Consumer<EventMessage> action) {
        assertThat(TopicReader.readToEnd(kafka.bootstrapServers(), Topics.EVENTS, Duration.ofSeconds(20),
                r -> action.accept(Json.read(r.value(), EventMessage.class))))
                        .as("read %s to its end within 20 s", Topics.EVENTS).isTrue();
    }
}
