package io.herald.ingest.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/** Tenant 'throttled' has an override of 3 events per second in the test profile (application.properties). */
@QuarkusTest
@ServiceTestResources
class RateLimitTests {

    private static final String BODY = "{\"type\":\"order.created\",\"data\":{}}";

    @Test
    void shouldAnswer429WithRetryAfterPastTheTenantsLimitWhileOtherTenantsGoOn() {
        String throttled = TestTokens.token("throttled", Scopes.EVENTS_WRITE);
        // The bucket holds 3 and refills 3 per second. On a slow machine requests may be further apart than a refill,
        // so post until the first 429 and check the 202s before it against what the bucket can have allowed.
        long started = System.nanoTime();
        int accepted = 0;
        Response answer = postResponse(throttled);
        while (answer.statusCode() == 202 && accepted < 50) {
            accepted++;
            answer = postResponse(throttled);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(accepted).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(3 + (int) Math.ceil(seconds * 3));

        answer.then().statusCode(429).contentType(Problem.MEDIA_TYPE).header("Retry-After", "1")
                .body("status", equalTo(429)).body("type", equalTo("urn:herald:problem:rate-limited"))
                .body("detail", containsString("3 events per second"));
        post(TestTokens.token("unthrottled", Scopes.EVENTS_WRITE)).statusCode(202);

        given().get("/q/metrics").then().body(containsString("herald_ingest_rejected_total{reason=\"rate_limited\""));
    }

    @Test
    void shouldRefuseABatchLargerThanTheTenantsLimit() {
        given().header("Authorization", "Bearer " + TestTokens.token("throttled", Scopes.EVENTS_WRITE))
                .contentType("application/json")
                .body("{\"events\":[" + BODY + "," + BODY + "," + BODY + "," + BODY + "]}").post("/v1/events/batch")
                .then().statusCode(400).body("detail", containsString("smaller batches"));
    }

    private static Response postResponse(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json").body(BODY)
                .post("/v1/events");
    }

    private static ValidatableResponse post(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json").body(BODY)
                .post("/v1/events").then();
    }
}
