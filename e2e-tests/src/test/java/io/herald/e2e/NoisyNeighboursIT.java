package io.herald.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;
import io.restassured.http.ContentType;

/**
 * Isolation seen from outside, on the packaged services: deliveries still due when their endpoint is disabled are kept
 * as dead letters and delivered by {@code recover} once it is enabled again; and dispatch, in its default 256 MB heap,
 * keeps delivering to a healthy endpoint while its neighbours hang on events of ingest's maximum size.
 */
class NoisyNeighboursIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Path WORK = Path.of("target", "e2e-noisy").toAbsolutePath();

    private static ServiceStack stack;
    private static ServiceProcess ingest;
    private static ServiceProcess subscription;
    private static ServiceProcess dispatch;

    @BeforeAll
    static void startStack() {
        // A short request deadline (hanging receivers cost seconds, not the default 15 s each), quick retries, and
        // breakers that stay closed, so that every delivery is tried as the tests script it.
        stack = ServiceStack.start(WORK, PostgresServer.forTests(WORK.resolve("postgres")), "herald_noisy",
                Map.of("dispatch-service",
                        Map.of("HERALD_DISPATCH_HTTP_REQUEST_TIMEOUT_MS", "2000", "HERALD_DISPATCH_RETRY_SCHEDULE_MS",
                                "1000,1000,1000", "HERALD_DISPATCH_BREAKER_CONSECUTIVE_FAILURES", "100000",
                                "HERALD_DISPATCH_BREAKER_MINIMUM_REQUESTS", "1000",
                                "HERALD_DISPATCH_BREAKER_WINDOW_SIZE", "1000")));
        ingest = stack.ingest();
        subscription = stack.subscription();
        dispatch = stack.dispatch();
        stack.printProcesses("noisy");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldKeepTheDeliveriesDueWhenAnEndpointIsDisabledAsDeadLettersAndDeliverThemOnRecover() throws Exception {
        String tenant = "tenant-gone-" + stack.run();
        String token = TestTokens.admin(tenant);
        AtomicBoolean back = new AtomicBoolean();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        int events = 20;
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            // 503 until every event was tried once (so each has a delivery waiting for its retry), then 410 Gone:
            // the endpoint is disabled while deliveries for it are still due.
            receiver.respond(r -> {
                if (back.get()) {
                    return Reply.status(204);
                }
                seen.add(r.header("webhook-id"));
                return seen.size() < events ? Reply.status(503) : Reply.status(410);
            });
            Instant start = Instant.now();
            String endpointId = createEndpoint(token, receiver.url("/comes-back"));
            for (int i = 0; i < events; i++) {
                publish(token, Map.of("n", i));
            }
            awaitDeadLetters(token, endpointId, events);
            assertThat(given().baseUri(subscription.baseUrl()).auth().oauth2(token).when()
                    .get("/v1/endpoints/" + endpointId).then().statusCode(200).extract().<Boolean> path("enabled"))
                            .isFalse();

            Instant backAt = Instant.now();
            back.set(true);
            given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType("application/merge-patch+json")
                    .body(Map.of("enabled", true)).when().patch("/v1/endpoints/" + endpointId).then().statusCode(200);
            Thread.sleep(1000);
            given().baseUri(subscription.baseUrl()).auth().oauth2(token).queryParam("since", start.toString()).when()
                    .post("/v1/endpoints/" + endpointId + "/recover").then().statusCode(202);

            await().atMost(TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(
                            delivered(receiver, backAt).stream().map(r -> r.header("webhook-id")).distinct())
                                    .as("every event, delivered after recover").hasSize(events));
        }
    }

    @Test
    void shouldKeepDeliveringWithinItsHeapWhileNeighboursHangOnEventsOfTheLargestSize() throws Exception {
        String tenant = "tenant-large-" + stack.run();
        String token = TestTokens.admin(tenant);
        try (WebhookReceiver healthy = WebhookReceiver.start();
                WebhookReceiver hanging = WebhookReceiver.start()) {
            hanging.respond(r -> Reply.hang());
            createEndpoint(token, healthy.url("/healthy"));
            for (int i = 0; i < 3; i++) {
                createEndpoint(token, hanging.url("/hang/" + i));
            }
            String blob = "x".repeat(240 * 1024);
            int events = 120;
            for (int i = 0; i < events; i++) {
                publish(token, Map.of("n", i, "blob", blob));
            }

            healthy.await(events, TIMEOUT);
            assertThat(hanging.received()).isNotEmpty();
            given().baseUri(dispatch.baseUrl()).when().get("/q/health/live").then().statusCode(200);
            assertThat(dispatch.logTail(100_000)).noneMatch(line -> line.contains("OutOfMemoryError"));
            stack.printProcesses("noisy, after " + events + " events of 240 KiB");
        }
    }

    private static List<Received> delivered(WebhookReceiver receiver, Instant since) {
        return receiver.received().stream().filter(r -> r.path().equals("/comes-back") && r.at().isAfter(since))
                .toList();
    }

    private static String createEndpoint(String token, String url) throws InterruptedException {
        double before = DispatchRouting.endpoints(dispatch);
        String id = given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", url, "eventTypes", List.of("order.*"))).when().post("/v1/endpoints").then()
                .statusCode(201).extract().path("id");
        DispatchRouting.awaitEndpoints(dispatch, before + 1, TIMEOUT);
        return id;
    }

    private static void publish(String token, Map<String, Object> data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "order.created");
        event.put("data", data);
        given().baseUri(ingest.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON).body(Json.write(event))
                .when().post("/v1/events").then().statusCode(202);
    }

    private static void awaitDeadLetters(String token, String endpointId, int count) {
        AtomicInteger seen = new AtomicInteger();
        try {
            await().atMost(TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                    .until(() -> seen.updateAndGet(ignored -> given().baseUri(subscription.baseUrl()).auth()
                            .oauth2(token).queryParam("endpointId", endpointId).queryParam("limit", 100).when()
                            .get("/v1/dead-letters").then().statusCode(200).extract().<List<?>> path("data")
                            .size()) >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(seen + " of " + count + " dead letters for endpoint " + endpointId, e);
        }
    }
}
