package io.herald.ingest.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@ServiceTestResources
class OperationsEndpointsTests {

    @Test
    void shouldReportReadyOnceKafkaHasTheEventsTopic() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")).body("checks.data.events",
                hasItem("[OK]"));
    }

    @Test
    void shouldReportLive() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void shouldPublishTheOpenApiDocumentOfTheEventsEndpoint() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/events'.post.responses.'202'.description", containsString("Stored in Kafka"))
                .body("components.schemas.EventRequest.required", hasItem("type"));
    }

    @Test
    void shouldCountAcceptedEventsInPrometheusMetrics() {
        given().header("Authorization", "Bearer " + TestTokens.token("acme", Scopes.EVENTS_WRITE))
                .contentType("application/json").body("{\"type\":\"order.created\",\"data\":{}}").post("/v1/events")
                .then().statusCode(202);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("herald_ingest_events_total{outcome=\"accepted\""))
                .body(containsString("herald_ingest_publish_seconds_count"))
                .body(containsString("herald_ingest_publish_seconds_bucket{le="))
                .body(containsString("herald_ingest_in_flight"));
    }

    @Test
    void shouldCountRejectedRequestsByReason() {
        given().header("Authorization", "Bearer " + TestTokens.token("acme", Scopes.EVENTS_WRITE))
                .contentType("application/json").body("{\"type\":\"nodot\",\"data\":{}}").post("/v1/events").then()
                .statusCode(400);
        given().contentType("application/json").body("{}").post("/v1/events").then().statusCode(401);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("herald_ingest_rejected_total{reason=\"invalid\""))
                .body(containsString("herald_ingest_rejected_total{reason=\"unauthenticated\""));
    }
}
