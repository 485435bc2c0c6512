package io.herald.subscription.deadletter;

import static io.herald.subscription.attempt.LogTestSupport.PROBLEM_JSON;
import static io.herald.subscription.attempt.LogTestSupport.await;
import static io.herald.subscription.attempt.LogTestSupport.createEndpoint;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.herald.subscription.attempt.LogTestSupport.publish;
import static io.herald.subscription.attempt.LogTestSupport.queryLong;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Nothing dropped silently (subscription's part): dead letters carry why they were given up, and {@code recover} brings
 * back every reason, including deliveries dropped for a disabled endpoint once it is enabled again. And isolation for
 * the dead-letter store: one record never stops it.
 */
@QuarkusTest
@ServiceTestResources
class DeadLetterReasonTests {

    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

    @Inject
    MeterRegistry registry;

    @Test
    void shouldShowEachDeadLettersReasonAndFilterByIt() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        DeadLetterMessage old = deadLetter(tenant, endpoint, BASE, null);
        DeadLetterMessage disabled = deadLetter(tenant, endpoint, BASE.plusSeconds(1),
                DeadLetterReason.ENDPOINT_DISABLED);
        DeadLetterMessage refused = deadLetter(tenant, endpoint, BASE.plusSeconds(2), DeadLetterReason.EGRESS_REFUSED);
        DeadLetterMessage postponed = deadLetter(tenant, endpoint, BASE.plusSeconds(3),
                DeadLetterReason.POSTPONED_TOO_LONG);
        publish(Topics.DLQ, endpoint, List.of(old, disabled, refused, postponed));
        awaitStored(postponed);

        JsonPath all = read(tenant).queryParam("endpointId", endpoint).get("/v1/dead-letters").then().statusCode(200)
                .extract().jsonPath();
        // A record written before reasons existed was an exhausted one.
        assertThat(all.getList("data.reason")).containsExactly("postponed_too_long", "egress_refused",
                "endpoint_disabled", "exhausted");
        read(tenant).queryParam("reason", "endpoint_disabled").get("/v1/dead-letters").then().statusCode(200)
                .body("data.deliveryId", equalTo(List.of(disabled.delivery().id())));
        read(tenant).queryParam("reason", "EXHAUSTED").queryParam("endpointId", endpoint).get("/v1/dead-letters").then()
                .statusCode(200).body("data.deliveryId", equalTo(List.of(old.delivery().id())));
        read(tenant).queryParam("reason", "gone").get("/v1/dead-letters").then().statusCode(400)
                .contentType(PROBLEM_JSON).body("errors[0].field", equalTo("reason"))
                .body("errors[0].message", containsString("endpoint_disabled"));
    }

    @Test
    void shouldRefuseToRecoverIntoADisabledEndpointAndRecoverEveryReasonOnceItIsEnabledAgain() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        setEnabled(tenant, endpoint, false);
        List<DeadLetterMessage> letters = new ArrayList<>();
        letters.add(deadLetter(tenant, endpoint, BASE, null));
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            letters.add(deadLetter(tenant, endpoint, BASE.plusSeconds(letters.size()), reason));
        }
        publish(Topics.DLQ, endpoint, letters);
        DeadLetterMessage last = letters.get(letters.size() - 1);
        String lastId = awaitStored(last);
        String recover = "/v1/endpoints/" + endpoint + "/recover";
        String since = BASE.minusSeconds(1).toString();

        // Into a disabled endpoint every delivery would be a dead letter again at once: refused, nothing replayed.
        write(tenant).queryParam("since", since).post(recover).then().statusCode(409).contentType(PROBLEM_JSON)
                .body("status", equalTo(409)).body("type", equalTo("urn:herald:problem:endpoint-disabled"))
                .body("detail", containsString("enable"));
        write(tenant).post("/v1/dead-letters/" + lastId + "/replay").then().statusCode(409).contentType(PROBLEM_JSON)
                .body("type", equalTo("urn:herald:problem:endpoint-disabled"));
        read(tenant).queryParam("endpointId", endpoint).queryParam("replayed", false).get("/v1/dead-letters").then()
                .body("data.size()", equalTo(letters.size()));

        setEnabled(tenant, endpoint, true);
        try (DeliveriesTail deliveries = new DeliveriesTail()) {
            write(tenant).queryParam("since", since).post(recover).then().statusCode(202).body("replayed",
                    equalTo(letters.size()));

            List<DeliveryMessage> published = deliveries.until(endpoint, d -> d.id().equals(last.delivery().id()));

            assertThat(published).extracting(DeliveryMessage::webhookId)
                    .containsExactlyElementsOf(letters.stream().map(l -> l.delivery().webhookId()).toList());
            assertThat(published).allSatisfy(d -> {
                assertThat(d.attempts()).isZero();
                assertThat(d.endpointId()).isEqualTo(endpoint);
                assertThat(d.tenant()).isEqualTo(tenant);
            });
        }
        read(tenant).queryParam("endpointId", endpoint).queryParam("replayed", false).get("/v1/dead-letters").then()
                .body("data.size()", equalTo(0));
    }

    @Test
    void shouldStoreADeadLetterWithReceiverBytesSafelyAndParkOneTheDatabaseRefuses() {
        String tenantA = newTenant();
        String endpointA = createEndpoint(tenantA);
        String tenantB = newTenant();
        String endpointB = createEndpoint(tenantB);
        double parkedBefore = registry.counter("herald.dead-letters.parked").count();
        DeadLetterMessage nul = withError(deadLetter(tenantA, endpointA, BASE, DeadLetterReason.EXHAUSTED),
                "HTTP 500: \0\0 body");
        // A delivery id too long for the unique index's btree row (SQLSTATE 54000): refused however often it is tried.
        String hugeEvent = Stream.generate(() -> UUID.randomUUID().toString()).limit(200).collect(Collectors.joining());
        DeadLetterMessage refused = deadLetter(tenantA, endpointA, BASE.plusSeconds(1), hugeEvent,
                DeadLetterReason.EXHAUSTED);
        DeadLetterMessage other = deadLetter(tenantB, endpointB, BASE.plusSeconds(2), DeadLetterReason.EXHAUSTED);

        // One key, so all three share a partition and a poll.
        publish(Topics.DLQ, endpointA, List.of(nul, refused, other));

        awaitStored(other);
        awaitStored(nul);
        read(tenantA).queryParam("endpointId", endpointA).get("/v1/dead-letters").then().statusCode(200)
                .body("data.size()", equalTo(1)).body("data[0].lastError", equalTo("HTTP 500: \uFFFD\uFFFD body"));
        assertThat(queryLong("select count(*) from dead_letter where delivery_id = ?", refused.delivery().id()))
                .isZero();
        await("the refused dead letter is counted as parked",
                () -> registry.counter("herald.dead-letters.parked").count() >= parkedBefore + 1);
    }

    private static String awaitStored(DeadLetterMessage letter) {
        await("dead letter " + letter.delivery().id() + " is stored",
                () -> queryLong("select count(*) from dead_letter where delivery_id = ?", letter.delivery().id()) == 1);
        return read(letter.delivery().tenant()).queryParam("endpointId", letter.delivery().endpointId())
                .queryParam("limit", 100).get("/v1/dead-letters").then().statusCode(200).extract().jsonPath()
                .getString("data.find { it.deliveryId == '" + letter.delivery().id() + "' }.id");
    }

    private static void setEnabled(String tenant, String endpoint, boolean enabled) {
        write(tenant).contentType(ContentType.JSON).body(Map.of("enabled", enabled)).patch("/v1/endpoints/" + endpoint)
                .then().statusCode(200).body("enabled", equalTo(enabled));
    }

    private static DeadLetterMessage deadLetter(String tenant, String endpoint, Instant deadAt,
            DeadLetterReason reason) {
        return deadLetter(tenant, endpoint, deadAt, "evt_" + UUID.randomUUID(), reason);
    }

    private static DeadLetterMessage deadLetter(String tenant, String endpoint, Instant deadAt, String event,
            DeadLetterReason reason) {
        DeliveryMessage delivery = new DeliveryMessage(DeliveryMessage.SCHEMA_VERSION,
                DeliveryMessage.deliveryId(event, endpoint), "msg_" + UUID.randomUUID(), tenant, endpoint, event,
                "order.failed", "{\"type\":\"order.failed\",\"data\":{\"n\":1}}", 3, deadAt.minusSeconds(600),
                deadAt.minusSeconds(5));
        boolean disabled = reason == DeadLetterReason.ENDPOINT_DISABLED || reason == DeadLetterReason.EGRESS_REFUSED;
        return new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, disabled ? null : 503,
                disabled ? String.valueOf(reason).toLowerCase() : "HTTP 503", deadAt, reason);
    }

    private static DeadLetterMessage withError(DeadLetterMessage letter, String error) {
        return new DeadLetterMessage(letter.schemaVersion(), letter.delivery(), letter.lastStatusCode(), error,
                letter.deadAt(), letter.reason());
    }

    private static RequestSpecification read(String tenant) {
        return given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ));
    }

    private static RequestSpecification write(String tenant) {
        return given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE));
    }
}
