package io.herald.ingest.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.contracts.messages.EventTypeState;
import io.herald.contracts.messages.TenantSettingsState;
import io.herald.ingest.event.EventsTopic;
import io.herald.kit.auth.Scopes;
import io.herald.testing.KafkaTestClient;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Ingest enforces each tenant's event-type catalog as published on {@code herald.event-types} (here published by the
 * test, standing in for subscription-service, whose own tests cover that side) on the real broker.
 */
@QuarkusTest
@ServiceTestResources
class SchemaEnforcementTests {

    private static final String ORDER_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["orderId", "amount"],
             "properties": {"orderId": {"type": "string"}, "amount": {"type": "integer", "minimum": 1},
                            "currency": {"enum": ["EUR", "USD"]}}}
            """;

    @Test
    void shouldRefuseDataThatBreaksTheSchemaWith422AndAJsonPointerPerFailureAndPublishNothing() {
        String tenant = registerOrderSchema();
        String id = "evt-" + UUID.randomUUID();

        post(tenant,
                "{\"id\":\"" + id + "\",\"type\":\"order.created\","
                        + "\"data\":{\"orderId\":42,\"amount\":0,\"currency\":\"GBP\"}}").statusCode(422)
                                .contentType("application/problem+json").body("status", equalTo(422))
                                .body("type", equalTo(CatalogGuard.SCHEMA_VIOLATION_TYPE)).body("errors.field",
                                        containsInAnyOrder("/data/orderId", "/data/amount", "/data/currency"));
        post(tenant, "{\"type\":\"order.created\",\"data\":{\"orderId\":\"o1\"}}").statusCode(422)
                .body("errors[0].field", equalTo("/data")).body("errors[0].message", containsString("amount"));

        assertThat(EventsTopic.find(id)).isEmpty();
    }

    @Test
    void shouldAcceptAndPublishAnEventWhoseDataSatisfiesTheSchema() {
        String tenant = registerOrderSchema();
        String id = "evt-" + UUID.randomUUID();

        post(tenant, "{\"id\":\"" + id + "\",\"type\":\"order.created\",\"data\":{\"orderId\":\"o1\",\"amount\":5}}")
                .statusCode(202);

        assertThat(EventsTopic.find(id)).isPresent();
    }

    @Test
    void shouldJudgeEachItemOfABatchOnItsOwn() {
        String tenant = registerOrderSchema();
        String body = "{\"events\":[{\"type\":\"order.created\",\"data\":{\"orderId\":\"o1\",\"amount\":5}},"
                + "{\"type\":\"order.created\",\"data\":{\"orderId\":\"o2\",\"amount\":\"five\"}},"
                + "{\"type\":\"order\",\"data\":{}}]}";

        given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).contentType(ContentType.JSON).body(body)
                .post("/v1/events/batch").then().statusCode(207).body("accepted", equalTo(1))
                .body("rejected", equalTo(2)).body("results[0].status", equalTo(202))
                .body("results[1].status", equalTo(422)).body("results[1].errors[0].field", equalTo("/data/amount"))
                .body("results[1].type", equalTo(CatalogGuard.SCHEMA_VIOLATION_TYPE))
                .body("results[2].status", equalTo(400));
    }

    @Test
    void shouldAllowUnregisteredTypesByDefaultAndRefuseThemUnderTheRejectPolicy() {
        String tenant = registerOrderSchema();
        post(tenant, "{\"type\":\"invoice.paid\",\"data\":{\"anything\":true}}").statusCode(202);

        publish(EventCatalogKeys.settings(tenant),
                Json.write(TenantSettingsState.of(tenant, TenantSettingsState.REJECT, 1, Instant.now())));
        awaitStatus(() -> post(tenant, "{\"type\":\"invoice.paid\",\"data\":{}}"), 422)
                .body("type", equalTo(CatalogGuard.UNREGISTERED_TYPE)).body("errors.field", hasItem("type"));
        // A registered type without schema still passes, and so does a valid event of a type with one.
        publish(EventCatalogKeys.eventType(tenant, "invoice.sent"),
                Json.write(EventTypeState.of(tenant, "invoice.sent", null, false, 0, Instant.now())));
        awaitStatus(() -> post(tenant, "{\"type\":\"invoice.sent\",\"data\":{\"x\":1}}"), 202);
        post(tenant, "{\"type\":\"order.created\",\"data\":{\"orderId\":\"o1\",\"amount\":5}}").statusCode(202);

        publish(EventCatalogKeys.settings(tenant),
                Json.write(TenantSettingsState.of(tenant, TenantSettingsState.ALLOW, 2, Instant.now())));
        awaitStatus(() -> post(tenant, "{\"type\":\"invoice.paid\",\"data\":{}}"), 202);
    }

    @Test
    void shouldApplyATenantsSchemaToThatTenantOnlyAndForgetADeletedType() {
        String owner = registerOrderSchema();
        String other = "t-" + UUID.randomUUID();
        post(other, "{\"type\":\"order.created\",\"data\":{\"free\":\"form\"}}").statusCode(202);

        publish(EventCatalogKeys.eventType(owner, "order.created"), null);
        awaitStatus(() -> post(owner, "{\"type\":\"order.created\",\"data\":{\"free\":\"form\"}}"), 202);
    }

    private static String registerOrderSchema() {
        String tenant = "t-" + UUID.randomUUID();
        publish(EventCatalogKeys.eventType(tenant, "order.created"), Json.write(EventTypeState.of(tenant,
                "order.created", Json.read(ORDER_SCHEMA, JsonNode.class), false, 0, Instant.now())));
        awaitStatus(() -> post(tenant, "{\"type\":\"order.created\",\"data\":{}}"), 422);
        return tenant;
    }

    private static ValidatableResponse post(String tenant, String body) {
        return given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).contentType(ContentType.JSON)
                .body(body).post("/v1/events").then();
    }

    /** The catalog is read from Kafka asynchronously: retries the request until it answers {@code status}. */
    private static ValidatableResponse awaitStatus(Supplier<ValidatableResponse> request, int status) {
        return await("answer " + status).atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(request::get, r -> r.extract().statusCode() == status);
    }

    private static void publish(String key, String value) {
        KafkaTestClient.publish(Topics.EVENT_TYPES, key, value);
    }
}
