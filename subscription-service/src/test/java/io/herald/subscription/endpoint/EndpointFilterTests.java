package io.herald.subscription.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

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

@QuarkusTest
@ServiceTestResources
class EndpointFilterTests {

    private static final String FILTER = "type == \"order.created\" && data.amount > 1000";

    @Test
    void shouldStoreAFilterAndCarryItInThePublishedStateUntilItIsRemoved() {
        String tenant = "t-" + UUID.randomUUID();
        String id = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/f", "eventTypes", List.of("order.*"), "filter", FILTER))
                .post("/v1/endpoints").then().statusCode(201).body("filter", equalTo(FILTER)).extract().path("id");
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().body("filter",
                equalTo(FILTER));

        Map<String, Object> clear = new HashMap<>();
        clear.put("filter", null);
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(clear)
                .patch("/v1/endpoints/" + id).then().statusCode(200).body("filter", nullValue());

        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id, found -> found.size() >= 2);
        assertThat(Json.read(records.get(0).value(), EndpointState.class).filter()).isEqualTo(FILTER);
        assertThat(Json.read(records.get(1).value(), EndpointState.class).filter()).isNull();
    }

    @Test
    void shouldRefuseAFilterWithASyntaxOrTypeErrorWith422AndItsPosition() {
        String tenant = "t-" + UUID.randomUUID();
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/f", "eventTypes", List.of("*"), "filter", "data.amount >"))
                .post("/v1/endpoints").then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("filter")).body("errors[0].message", containsString("line 1, column"));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/f", "eventTypes", List.of("*"), "filter", "type > 3"))
                .post("/v1/endpoints").then().statusCode(422).body("errors[0].message", containsString("column"));
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints").then().body("data.size()", equalTo(0));

        String id = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/f", "eventTypes", List.of("*"))).post("/v1/endpoints").then()
                .statusCode(201).extract().path("id");
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("filter", "data.items.all(a, data.items.all(b, data.items.all(c, a == b)))"))
                .patch("/v1/endpoints/" + id).then().statusCode(422)
                .body("errors[0].message", containsString("comprehensions"));
    }
}
