package io.herald.subscription.attempt;

import static io.herald.subscription.attempt.LogTestSupport.await;
import static io.herald.subscription.attempt.LogTestSupport.createEndpoint;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.herald.subscription.attempt.LogTestSupport.publish;
import static io.herald.subscription.attempt.LogTestSupport.queryLong;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code GET /v1/endpoints/{id}/attempt-stats}: hourly successes and failures, every hour present. */
@QuarkusTest
@ServiceTestResources
class AttemptStatsTests {

    @Test
    void shouldCountSuccessesAndFailuresPerHour() {
        String tenant = newTenant();
        String endpoint = createEndpoint(tenant);
        Instant thisHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant twoHoursAgo = thisHour.minus(Duration.ofHours(2)).plusSeconds(90);
        Instant now = Instant.now().minusSeconds(1);
        List<AttemptMessage> attempts = List.of(attempt(tenant, endpoint, "a", AttemptOutcome.SUCCEEDED, 200, now),
                attempt(tenant, endpoint, "b", AttemptOutcome.RETRY_SCHEDULED, 503, now),
                attempt(tenant, endpoint, "c", AttemptOutcome.DROPPED, null, now),
                attempt(tenant, endpoint, "d", AttemptOutcome.SUCCEEDED, 204, twoHoursAgo),
                // Outside the 24 hours asked for.
                attempt(tenant, endpoint, "e", AttemptOutcome.EXHAUSTED, 500, thisHour.minus(Duration.ofHours(30))));
        publish(Topics.ATTEMPTS, endpoint, attempts);
        await("the attempts are stored",
                () -> queryLong("select count(*) from attempt where endpoint_id = ?", endpoint) == attempts.size());

        JsonPath stats = given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ))
                .get("/v1/endpoints/" + endpoint + "/attempt-stats").then().statusCode(200).extract().jsonPath();

        assertThat(stats.getList("buckets")).hasSize(24);
        assertThat(Instant.parse(stats.getString("to"))).isEqualTo(thisHour.plus(Duration.ofHours(1)));
        assertThat(stats.getLong("buckets[23].succeeded")).isEqualTo(1);
        assertThat(stats.getLong("buckets[23].failed")).isEqualTo(2);
        assertThat(Instant.parse(stats.getString("buckets[21].start"))).isEqualTo(thisHour.minus(Duration.ofHours(2)));
        assertThat(stats.getLong("buckets[21].succeeded")).isEqualTo(1);
        assertThat(stats.getList("buckets.succeeded", Long.class).stream().mapToLong(Long::longValue).sum())
                .isEqualTo(2);
        assertThat(stats.getList("buckets.failed", Long.class).stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
    }

    @Test
    void shouldAnswer404ForAnotherTenantsEndpointAnd400ForBadHours() {
        String endpoint = createEndpoint(newTenant());
        given().auth().oauth2(TestTokens.admin(newTenant())).get("/v1/endpoints/" + endpoint + "/attempt-stats").then()
                .statusCode(404);
        String tenant = newTenant();
        String own = createEndpoint(tenant);
        for (String hours : List.of("0", "169", "x")) {
            given().auth().oauth2(TestTokens.admin(tenant)).queryParam("hours", hours)
                    .get("/v1/endpoints/" + own + "/attempt-stats").then().statusCode(400);
        }
    }

    private static AttemptMessage attempt(String tenant, String endpoint, String event, AttemptOutcome outcome,
            Integer status, Instant at) {
        String delivery = event + "." + endpoint;
        return new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(delivery, 1), delivery, event,
                tenant, endpoint, event, "order.created", 1, outcome, status, 12, null, null, at, null);
    }
}
