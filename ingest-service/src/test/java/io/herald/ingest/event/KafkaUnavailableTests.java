package io.herald.ingest.event;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The producer points at a port where no broker listens, with the production timeouts of application.properties. */
@QuarkusTest
@ServiceTestResources
@TestProfile(KafkaUnavailableTests.NoBroker.class)
class KafkaUnavailableTests {

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A channel attribute wins over the kafka.bootstrap.servers that KafkaTestResource sets.
            return Map.of("mp.messaging.outgoing.events.bootstrap.servers", "127.0.0.1:" + closedPort());
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWithinThePublishBudgetWhenKafkaDoesNotAcknowledge() {
        long start = System.nanoTime();

        given().header("Authorization", "Bearer " + TestTokens.token("acme", Scopes.EVENTS_WRITE))
                .contentType("application/json").body("{\"type\":\"order.created\",\"data\":{}}").post("/v1/events")
                .then().statusCode(503).contentType(Problem.MEDIA_TYPE).header("Retry-After", "5")
                .body("status", equalTo(503));

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).as("answered within herald.ingest.publish-timeout-ms (5000) plus slack")
                .isLessThan(8_000);
    }

    @Test
    void shouldReportNotReadyWhileKafkaIsUnreachable() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
