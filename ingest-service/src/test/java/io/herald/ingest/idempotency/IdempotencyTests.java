package io.herald.ingest.idempotency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventMessage;
import io.herald.ingest.event.EventsTopic;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@ServiceTestResources
class IdempotencyTests {

    private static final String TENANT = "idem";
    private static final String WRITER = TestTokens.token(TENANT, Scopes.EVENTS_WRITE);

    private final IdempotencyRepository repository;
    private final IdempotencyCleanup cleanup;

    IdempotencyTests(IdempotencyRepository repository, IdempotencyCleanup cleanup) {
        this.repository = repository;
        this.cleanup = cleanup;
    }

    @Test
    void shouldReplayTheFirstAnswerAndPublishNothingForTheSameKeyAndBody() {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        // No id in the body: without the key, each request would publish a new event with a new generated id.
        String body = event(marker);

        Response first = post(WRITER, key, body);
        first.then().statusCode(202);
        String id = first.path("id");
        assertThat(first.header(IdempotencyService.REPLAYED_HEADER)).isNull();

        for (int i = 0; i < 2; i++) {
            post(WRITER, key, reordered(marker)).then().statusCode(202).body("id", equalTo(id))
                    .header(IdempotencyService.REPLAYED_HEADER, "true");
        }

        assertThat(idsWithMarker(marker)).containsExactly(id);
    }

    @Test
    void shouldAnswer422ForTheSameKeyWithADifferentBodyAndPublishNothing() {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        post(WRITER, key, event(marker)).then().statusCode(202);
        String other = UUID.randomUUID().toString();

        post(WRITER, key, event(other)).then().statusCode(422).contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(422)).body("type", equalTo("urn:herald:problem:idempotency-key-reused"));

        assertThat(idsWithMarker(other)).isEmpty();
    }

    @Test
    void shouldKeepKeysApartPerTenant() {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        String first = post(WRITER, key, event(marker)).then().statusCode(202).extract().path("id");

        String second = post(TestTokens.token("idem-other", Scopes.EVENTS_WRITE), key, event(marker)).then()
                .statusCode(202).header(IdempotencyService.REPLAYED_HEADER, (String) null).extract().path("id");

        assertThat(second).isNotEqualTo(first);
        assertThat(idsWithMarker(marker)).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void shouldPublishOnceWhenDuplicatesArriveConcurrently() throws Exception {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        int requests = 8;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return post(WRITER, key, event(marker));
                }));
            }
            start.countDown();
            List<String> ids = new ArrayList<>();
            int replays = 0;
            for (Future<Response> answer : answers) {
                Response response = answer.get(20, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(202);
                ids.add(response.path("id"));
                replays += "true".equals(response.header(IdempotencyService.REPLAYED_HEADER)) ? 1 : 0;
            }
            assertThat(ids).as("every duplicate gets the first answer").containsOnly(ids.get(0));
            assertThat(replays).isEqualTo(requests - 1);
            assertThat(idsWithMarker(marker)).containsExactly(ids.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldAnswer409WhenTheFirstRequestIsStillInFlightPastTheWait() {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        String body = event(marker);
        Instant now = Instant.now();
        // Another instance holds the key and has not finished (its lease runs for another minute).
        assertThat(repository.claim(TENANT, key,
                RequestFingerprint.of("POST /v1/events",
                        Json.read(body, com.fasterxml.jackson.databind.JsonNode.class)),
                "elsewhere", now, now.plusSeconds(60), now.plusSeconds(3600)).await().indefinitely()).isTrue();
        long start = System.nanoTime();

        post(WRITER, key, body).then().statusCode(409).contentType(Problem.MEDIA_TYPE).header("Retry-After", "1")
                .body("type", equalTo("urn:herald:problem:idempotency-key-in-progress"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited herald.ingest.idempotency.wait-ms (1500)")
                .isBetween(Duration.ofMillis(1400), Duration.ofSeconds(6));
        assertThat(idsWithMarker(marker)).isEmpty();
    }

    @Test
    void shouldPublishAgainOnceTheKeyExpiredAndDeleteExpiredKeys() {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        String body = event(marker);
        String fingerprint = RequestFingerprint.of("POST /v1/events",
                Json.read(body, com.fasterxml.jackson.databind.JsonNode.class));
        Instant longAgo = Instant.now().minus(Duration.ofHours(25));
        repository.claim(TENANT, key, fingerprint, "yesterday", longAgo, longAgo.plusSeconds(10),
                longAgo.plus(Duration.ofHours(24))).await().indefinitely();
        repository.complete(TENANT, key, "yesterday", 202, "{\"id\":\"evt_yesterday\"}").await().indefinitely();

        String id = post(WRITER, key, body).then().statusCode(202)
                .header(IdempotencyService.REPLAYED_HEADER, (String) null).extract().path("id");
        assertThat(id).isNotEqualTo("evt_yesterday");
        assertThat(idsWithMarker(marker)).containsExactly(id);

        String stale = UUID.randomUUID().toString();
        repository.claim(TENANT, stale, fingerprint, "old", longAgo, longAgo, longAgo.plusSeconds(1)).await()
                .indefinitely();
        cleanup.deleteExpired();
        await("expired key deleted").atMost(Duration.ofSeconds(5)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> repository.find(TENANT, stale, longAgo).await().indefinitely().isEmpty());
        assertThat(repository.find(TENANT, key, Instant.now()).await().indefinitely()).as("live keys stay").isPresent();
    }

    @Test
    void shouldReplayABatchAnswer() {
        String key = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        String body = "{\"events\":[" + event(marker) + ",{\"type\":\"bad\",\"data\":{}}," + event(marker) + "]}";

        Response first = given().header("Authorization", "Bearer " + WRITER).header(IdempotencyService.HEADER, key)
                .contentType("application/json").body(body).post("/v1/events/batch");
        first.then().statusCode(207).body("accepted", equalTo(2));
        Response again = given().header("Authorization", "Bearer " + WRITER).header(IdempotencyService.HEADER, key)
                .contentType("application/json").body(body).post("/v1/events/batch");

        again.then().statusCode(207).header(IdempotencyService.REPLAYED_HEADER, "true");
        assertThat(again.asString()).isEqualTo(first.asString());
        assertThat(idsWithMarker(marker)).hasSize(2);
    }

    @Test
    void shouldRefuseAnInvalidKey() {
        post(WRITER, "has space", event("x")).then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", equalTo(IdempotencyService.HEADER));
        post(WRITER, "k".repeat(256), event("x")).then().statusCode(400).body("detail",
                containsString("Idempotency-Key"));
    }

    private static String event(String marker) {
        return "{\"type\":\"order.created\",\"data\":{\"marker\":\"" + marker + "\",\"n\":1}}";
    }

    private static String reordered(String marker) {
        return "{ \"data\": {\"n\": 1, \"marker\": \"" + marker + "\"}, \"type\": \"order.created\" }";
    }

    private static Response post(String token, String key, String body) {
        return given().header("Authorization", "Bearer " + token).header(IdempotencyService.HEADER, key)
                .contentType("application/json").body(body).post("/v1/events");
    }

    /** Ids of the events in herald.events whose data carries {@code marker}. */
    private static List<String> idsWithMarker(String marker) {
        return EventsTopic.records().stream().map(r -> Json.read(r.value(), EventMessage.class))
                .filter(e -> marker.equals(e.data().path("marker").asText())).map(EventMessage::id).toList();
    }
}
