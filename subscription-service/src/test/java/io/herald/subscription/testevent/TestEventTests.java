package io.herald.subscription.testevent;

import static io.herald.subscription.attempt.LogTestSupport.PROBLEM_JSON;
import static io.herald.subscription.attempt.LogTestSupport.createEndpoint;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.auth.Scopes;
import io.herald.subscription.deadletter.DeliveriesTail;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code POST /v1/endpoints/{id}/test-events}: one delivery to exactly that endpoint on herald.deliveries. */
@QuarkusTest
@ServiceTestResources
class TestEventTests {

    @Test
    void shouldPublishATestDeliveryForTheEndpoint() throws Exception {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        try (DeliveriesTail tail = new DeliveriesTail()) {
            JsonPath sent = given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE))
                    .contentType("application/json")
                    .body(Map.of("eventType", "order.created", "data", Map.of("orderId", "ord_1")))
                    .post("/v1/endpoints/" + endpoint + "/test-events").then().statusCode(202)
                    .body("endpointId", equalTo(endpoint)).body("eventType", equalTo("order.created")).extract()
                    .jsonPath();

            List<DeliveryMessage> deliveries = tail.until(endpoint, d -> d.eventId().equals(sent.getString("eventId")));
            DeliveryMessage delivery = deliveries.get(deliveries.size() - 1);
            assertThat(delivery.tenant()).isEqualTo(tenant);
            assertThat(delivery.id()).isEqualTo(sent.getString("deliveryId"));
            assertThat(delivery.webhookId()).isEqualTo(sent.getString("webhookId"));
            assertThat(delivery.attempts()).isZero();
            JsonNode payload = Json.mapper().readTree(delivery.payload());
            assertThat(payload.get("type").asText()).isEqualTo("order.created");
            assertThat(payload.get("data").get("orderId").asText()).isEqualTo("ord_1");
            assertThat(payload.has("timestamp")).isTrue();
        }
    }

    @Test
    void shouldSendTheDefaultTestEventWithoutABody() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        given().auth().oauth2(TestTokens.admin(tenant)).post("/v1/endpoints/" + endpoint + "/test-events").then()
                .statusCode(202).body("eventType", equalTo("herald.test"));
    }

    @Test
    void shouldRefuseTestEventsToAnotherTenantsEndpointOrWithBadInput() {
        String endpoint = createEndpoint(newTenant());
        String stranger = TestTokens.admin(newTenant());
        given().auth().oauth2(stranger).post("/v1/endpoints/" + endpoint + "/test-events").then().statusCode(404)
                .contentType(PROBLEM_JSON);
        String tenant = newTenant();
        String own = createEndpoint(tenant);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ))
                .post("/v1/endpoints/" + own + "/test-events").then().statusCode(403);
        given().auth().oauth2(TestTokens.admin(tenant)).contentType("application/json")
                .body(Map.of("eventType", "no spaces allowed")).post("/v1/endpoints/" + own + "/test-events").then()
                .statusCode(400).body("errors[0].field", equalTo("eventType"));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType("application/json")
                .body(Map.of("evenType", "order.created")).post("/v1/endpoints/" + own + "/test-events").then()
                .statusCode(422).contentType(PROBLEM_JSON).body("errors[0].field", equalTo("evenType"));
    }
}
