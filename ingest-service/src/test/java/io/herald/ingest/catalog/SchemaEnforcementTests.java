package io.herald.ingest.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EventCatalogKeys;
import io.herald.contracts.messages.EventTypeState;
import io.herald.contracts.messages.TenantSettingsState;
import io.herald.ingest.event.EventsTopic;
import io.herald.kit.auth.Scopes;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Ingest enforces each tenant's event-type catalog as published on {@code herald.event-types} (here published by the
 * test, standing in for subscription-service, whose own tests cover that side) on the real broker.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestTokens.class, restrictToAnnotatedClass = false)
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
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        ValidatableResponse response = request.get();
        while (response.extract().statusCode() != status && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            response = request.get();
        }
        return response.statusCode(status);
    }

    private static void publish(String key, String value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(Topics.EVENT_TYPES, key, value)).get();
        } catch (Exception e) {
            throw new AssertionError("Cannot publish to " + Topics.EVENT_TYPES, e);
        }
    }
}
