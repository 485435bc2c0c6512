package io.herald.subscription.deadletter;

import static io.herald.subscription.attempt.LogTestSupport.PROBLEM_JSON;
import static io.herald.subscription.attempt.LogTestSupport.await;
import static io.herald.subscription.attempt.LogTestSupport.createEndpoint;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.herald.subscription.attempt.LogTestSupport.publish;
import static io.herald.subscription.attempt.LogTestSupport.queryLong;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@ServiceTestResources
class DeadLetterTests {

    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

    @Test
    void shouldListADeadLetterFromTheDlqOnceAndOnlyToItsTenant() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        DeadLetterMessage letter = deadLetter(tenant, endpoint, BASE.minusSeconds(30));
        DeadLetterMessage newer = deadLetter(tenant, endpoint, BASE.minusSeconds(20));
        DeadLetterMessage newest = deadLetter(tenant, endpoint, BASE.minusSeconds(10));
        // The first one twice, as a re-consumed topic would deliver it.
        publish(Topics.DLQ, endpoint, List.of(letter, newer, letter, newest));
        await("the newest dead letter is stored",
                () -> queryLong("select count(*) from dead_letter where delivery_id = ?", newest.delivery().id()) == 1);

        assertThat(queryLong("select count(*) from dead_letter where endpoint_id = ?", endpoint)).isEqualTo(3);
        JsonPath all = read(tenant).queryParam("endpointId", endpoint).get("/v1/dead-letters").then().statusCode(200)
                .extract().jsonPath();
        assertThat(all.getList("data.webhookId")).containsExactly(newest.delivery().webhookId(),
                newer.delivery().webhookId(), letter.delivery().webhookId());
        read(tenant).queryParam("endpointId", endpoint).get("/v1/dead-letters").then()
                .body("data[2].id", notNullValue()).body("data[2].endpointId", equalTo(endpoint))
                .body("data[2].deliveryId", equalTo(letter.delivery().id()))
                .body("data[2].eventId", equalTo(letter.delivery().eventId()))
                .body("data[2].status", equalTo("pending")).body("data[2].attempts", equalTo(7))
                .body("data[2].lastStatusCode", equalTo(503)).body("data[2].lastError", equalTo("HTTP 503"))
                .body("data[2].deadAt", equalTo(letter.deadAt().toString())).body("data[2].replayedAt", equalTo(null))
                .body("data[2]", not(hasKey("delivery")));

        // Pages of two, newest first.
        JsonPath page1 = read(tenant).queryParam("endpointId", endpoint).queryParam("limit", 2).get("/v1/dead-letters")
                .then().statusCode(200).extract().jsonPath();
        assertThat(page1.getList("data.deliveryId")).containsExactly(newest.delivery().id(), newer.delivery().id());
        JsonPath page2 = read(tenant).queryParam("endpointId", endpoint).queryParam("limit", 2)
                .queryParam("cursor", page1.getString("nextCursor")).get("/v1/dead-letters").then().statusCode(200)
                .extract().jsonPath();
        assertThat(page2.getList("data.deliveryId")).containsExactly(letter.delivery().id());
        assertThat(page2.getString("nextCursor")).isNull();
        // Without the endpoint filter: still only this tenant's.
        assertThat(read(tenant).get("/v1/dead-letters").then().statusCode(200).extract().jsonPath()
                .getList("data.endpointId", String.class)).containsOnly(endpoint).hasSize(3);

        String other = newTenant();
        read(other).get("/v1/dead-letters").then().statusCode(200).body("data.size()", equalTo(0));
        read(other).queryParam("endpointId", endpoint).get("/v1/dead-letters").then().statusCode(200)
                .body("data.size()", equalTo(0));
        String id = all.getString("data[0].id");
        write(other).post("/v1/dead-letters/" + id + "/replay").then().statusCode(404).contentType(PROBLEM_JSON);
        write(other).post("/v1/endpoints/" + endpoint + "/recover?since=" + BASE.minusSeconds(3600)).then()
                .statusCode(404).contentType(PROBLEM_JSON);
        read(tenant).queryParam("endpointId", endpoint).queryParam("replayed", false).get("/v1/dead-letters").then()
                .body("data.size()", equalTo(3));
    }

    @Test
    void shouldReplayTheSameDeliveryOnceWithTheSameWebhookId() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        DeadLetterMessage letter = deadLetter(tenant, endpoint, BASE);
        DeadLetterMessage sentinel = deadLetter(tenant, endpoint, BASE.plusSeconds(1));
        String id = awaitStored(tenant, endpoint, letter);
        String sentinelId = awaitStored(tenant, endpoint, sentinel);

        try (DeliveriesTail deliveries = new DeliveriesTail()) {
            JsonPath first = write(tenant).post("/v1/dead-letters/" + id + "/replay").then().statusCode(202)
                    .contentType("application/json").body("id", equalTo(id)).body("status", equalTo("replayed"))
                    .body("replayedAt", notNullValue()).extract().jsonPath();
            // The second call answers the same and publishes nothing: the sentinel, published after it on the same
            // partition, is the next record of this endpoint.
            write(tenant).post("/v1/dead-letters/" + id + "/replay").then().statusCode(202)
                    .body("status", equalTo("replayed")).body("replayedAt", equalTo(first.getString("replayedAt")));
            write(tenant).post("/v1/dead-letters/" + sentinelId + "/replay").then().statusCode(202);

            List<DeliveryMessage> published = deliveries.until(endpoint, d -> d.id().equals(sentinel.delivery().id()));

            assertThat(published).hasSize(2);
            DeliveryMessage replayed = published.get(0);
            DeliveryMessage original = letter.delivery();
            assertThat(replayed.webhookId()).isEqualTo(original.webhookId());
            assertThat(replayed.id()).isEqualTo(original.id());
            assertThat(replayed.attempts()).isZero();
            assertThat(replayed.notBefore()).isNull();
            assertThat(replayed.payload()).isEqualTo(original.payload());
            assertThat(replayed.tenant()).isEqualTo(tenant);
            assertThat(replayed.endpointId()).isEqualTo(endpoint);
            assertThat(replayed.eventId()).isEqualTo(original.eventId());
            assertThat(replayed.eventType()).isEqualTo(original.eventType());
        }
        read(tenant).queryParam("endpointId", endpoint).queryParam("replayed", true).get("/v1/dead-letters").then()
                .body("data.id", equalTo(List.of(sentinelId, id)));
    }

    @Test
    void shouldRecoverOnlyTheDeadLettersSinceTheGivenTimeAndOnlyOnce() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        DeadLetterMessage old = deadLetter(tenant, endpoint, BASE.minus(Duration.ofHours(3)));
        DeadLetterMessage newer = deadLetter(tenant, endpoint, BASE.minus(Duration.ofHours(1)));
        DeadLetterMessage newest = deadLetter(tenant, endpoint, BASE.minus(Duration.ofMinutes(30)));
        publish(Topics.DLQ, endpoint, List.of(old, newer, newest));
        String oldId = awaitStored(tenant, endpoint, old);
        awaitStored(tenant, endpoint, newest);
        String recover = "/v1/endpoints/" + endpoint + "/recover";
        String since = BASE.minus(Duration.ofHours(2)).toString();

        try (DeliveriesTail deliveries = new DeliveriesTail()) {
            write(tenant).queryParam("since", since).post(recover).then().statusCode(202)
                    .contentType("application/json").body("endpointId", equalTo(endpoint)).body("since", equalTo(since))
                    .body("replayed", equalTo(2));
            write(tenant).queryParam("since", since).post(recover).then().statusCode(202).body("replayed", equalTo(0));
            // The old one, replayed on its own afterwards, marks the end of what the recoveries published.
            write(tenant).post("/v1/dead-letters/" + oldId + "/replay").then().statusCode(202);

            List<DeliveryMessage> published = deliveries.until(endpoint, d -> d.id().equals(old.delivery().id()));

            assertThat(published).extracting(DeliveryMessage::webhookId).containsExactly(newer.delivery().webhookId(),
                    newest.delivery().webhookId(), old.delivery().webhookId());
            assertThat(published).allSatisfy(d -> assertThat(d.attempts()).isZero());
        }
        read(tenant).queryParam("endpointId", endpoint).queryParam("replayed", false).get("/v1/dead-letters").then()
                .body("data.size()", equalTo(0));
    }

    @Test
    void shouldAnswerEveryBadRequestWithProblemJson() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        String recover = "/v1/endpoints/" + endpoint + "/recover";

        write(tenant).post("/v1/dead-letters/dl_unknown/replay").then().statusCode(404).contentType(PROBLEM_JSON)
                .body("status", equalTo(404));
        write(tenant).post(recover).then().statusCode(400).contentType(PROBLEM_JSON).body("errors[0].field",
                equalTo("since"));
        write(tenant).queryParam("since", "last tuesday").post(recover).then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors[0].field", equalTo("since"));
        write(tenant).queryParam("since", BASE.toString()).post("/v1/endpoints/ep_unknown/recover").then()
                .statusCode(404).contentType(PROBLEM_JSON);
        read(tenant).queryParam("cursor", "???").get("/v1/dead-letters").then().statusCode(400)
                .contentType(PROBLEM_JSON);
        read(tenant).queryParam("limit", 0).get("/v1/dead-letters").then().statusCode(400).contentType(PROBLEM_JSON);
        read(tenant).queryParam("replayed", "maybe").get("/v1/dead-letters").then().statusCode(400)
                .contentType(PROBLEM_JSON);
        // Replay and recover need endpoints:write; reading needs endpoints:read.
        read(tenant).post("/v1/dead-letters/dl_unknown/replay").then().statusCode(403).contentType(PROBLEM_JSON);
        read(tenant).queryParam("since", BASE.toString()).post(recover).then().statusCode(403)
                .contentType(PROBLEM_JSON);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).get("/v1/dead-letters").then()
                .statusCode(403).contentType(PROBLEM_JSON);
        given().post("/v1/dead-letters/dl_unknown/replay").then().statusCode(401).contentType(PROBLEM_JSON);
        given().get("/v1/dead-letters").then().statusCode(401).contentType(PROBLEM_JSON);
    }

    /** Publishes the dead letter (unless it is there already) and waits until it is listed; answers its id. */
    private static String awaitStored(String tenant, String endpoint, DeadLetterMessage letter) {
        if (queryLong("select count(*) from dead_letter where delivery_id = ?", letter.delivery().id()) == 0) {
            publish(Topics.DLQ, endpoint, List.of(letter));
        }
        await("dead letter " + letter.delivery().id() + " is stored",
                () -> queryLong("select count(*) from dead_letter where delivery_id = ?", letter.delivery().id()) == 1);
        return read(tenant).queryParam("endpointId", endpoint).queryParam("limit", 100).get("/v1/dead-letters").then()
                .statusCode(200).extract().jsonPath()
                .getString("data.find { it.deliveryId == '" + letter.delivery().id() + "' }.id");
    }

    private static DeadLetterMessage deadLetter(String tenant, String endpoint, Instant deadAt) {
        String event = "evt_" + UUID.randomUUID();
        DeliveryMessage delivery = new DeliveryMessage(DeliveryMessage.SCHEMA_VERSION,
                DeliveryMessage.deliveryId(event, endpoint), "msg_" + UUID.randomUUID(), tenant, endpoint, event,
                "order.failed", "{\"type\":\"order.failed\",\"data\":{\"n\":1}}", 7, deadAt.minusSeconds(600),
                deadAt.minusSeconds(5));
        return new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, 503, "HTTP 503", deadAt);
    }

    private static RequestSpecification read(String tenant) {
        return given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ));
    }

    private static RequestSpecification write(String tenant) {
        return given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE));
    }
}
