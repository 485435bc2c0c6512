package io.herald.subscription.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** An endpoint opts in to a {@code traceparent} header on its deliveries; dispatch learns it from herald.endpoints. */
@QuarkusTest
@ServiceTestResources
class EndpointTraceparentTests {

    @Test
    void shouldLeaveTraceparentOffUnlessAskedAndCarryTheChoiceInThePublishedState() {
        String tenant = "t-" + UUID.randomUUID();
        String plain = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/plain", "eventTypes", List.of("order.*"))).post("/v1/endpoints")
                .then().statusCode(201).body("sendTraceparent", equalTo(false)).extract().path("id");
        String traced = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/traced", "eventTypes", List.of("order.*"), "sendTraceparent",
                        true))
                .post("/v1/endpoints").then().statusCode(201).body("sendTraceparent", equalTo(true)).extract()
                .path("id");
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + traced).then().body("sendTraceparent",
                equalTo(true));

        Map<String, Object> reset = new HashMap<>();
        reset.put("sendTraceparent", null);
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(reset)
                .patch("/v1/endpoints/" + traced).then().statusCode(200).body("sendTraceparent", equalTo(false));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("sendTraceparent", true)).patch("/v1/endpoints/" + plain).then().statusCode(200)
                .body("sendTraceparent", equalTo(true));

        List<ConsumerRecord<String, String>> tracedStates = EndpointTopic.awaitRecords(traced,
                found -> found.size() >= 2);
        assertThat(Json.read(tracedStates.get(0).value(), EndpointState.class).sendsTraceparent()).isTrue();
        assertThat(Json.read(tracedStates.get(1).value(), EndpointState.class).sendsTraceparent()).isFalse();
        List<ConsumerRecord<String, String>> plainStates = EndpointTopic.awaitRecords(plain,
                found -> found.size() >= 2);
        assertThat(Json.read(plainStates.get(0).value(), EndpointState.class).sendsTraceparent()).isFalse();
        assertThat(Json.read(plainStates.get(1).value(), EndpointState.class).sendsTraceparent()).isTrue();
    }

    @Test
    void shouldRefuseATraceparentChoiceThatIsNotABoolean() {
        String tenant = "t-" + UUID.randomUUID();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/x", "eventTypes", List.of("order.*"), "sendTraceparent",
                        List.of("yes")))
                .post("/v1/endpoints").then().statusCode(400).body("detail", containsString("sendTraceparent"));
    }
}
