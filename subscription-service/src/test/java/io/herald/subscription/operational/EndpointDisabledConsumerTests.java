package io.herald.subscription.operational;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.messages.OperationalEvents.EndpointDisabled;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.KafkaTestClient;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@ServiceTestResources
class EndpointDisabledConsumerTests {

    @Test
    void shouldDisableTheEndpointNamedByDispatchAndPublishItsNewState() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String other = "t-" + UUID.randomUUID();
        String id = create(tenant);
        String untouched = create(tenant);

        // Another tenant naming this tenant's endpoint must change nothing; then the real event, on the same partition.
        send(event(other, untouched, Instant.now()));
        send(event(tenant, id, Instant.now()));

        List<EndpointState> states = EndpointTopic.awaitRecords(id, found -> found.size() >= 2).stream()
                .map(r -> EndpointTopic.state(r.value())).toList();
        assertThat(states.get(1).enabled()).isFalse();
        assertThat(states.get(1).version()).isEqualTo(states.get(0).version() + 1);
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(200)
                .body("enabled", equalTo(false));
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + untouched).then().statusCode(200)
                .body("enabled", equalTo(true));
    }

    @Test
    void shouldLeaveAnEndpointItsTenantReEnabledAfterTheDisable() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String id = create(tenant);
        Instant disabledAt = Instant.now().minus(Duration.ofMinutes(1));
        // A replay of an old event: the tenant changed the endpoint after dispatch disabled it.
        send(event(tenant, id, disabledAt));
        String marker = create(tenant);
        send(event(tenant, marker, Instant.now()));

        // Events of one producer partition key arrive in order: once the marker is disabled, the first was handled.
        EndpointTopic.awaitRecords(marker, found -> found.size() >= 2);
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(200)
                .body("enabled", equalTo(true));
    }

    private static String create(String tenant) {
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/op", "eventTypes", List.of("*"))).post("/v1/endpoints").then()
                .statusCode(201).extract().path("id");
    }

    private static EventMessage event(String tenant, String endpointId, Instant disabledAt) {
        return EventMessage.of("evt_" + UUID.randomUUID(), tenant, OperationalEvents.ENDPOINT_DISABLED,
                Json.mapper().valueToTree(new EndpointDisabled(endpointId, "HTTP 410 Gone", disabledAt)), "ops",
                disabledAt, disabledAt);
    }

    private static void send(EventMessage event) {
        KafkaTestClient.publish(Topics.EVENTS, event.kafkaKey(), Json.write(event));
    }
}
