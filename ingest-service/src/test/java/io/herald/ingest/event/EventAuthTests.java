package io.herald.ingest.event;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;
import io.herald.kit.problem.Problem;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.PostgresTestResource;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * The exact answers of authentication and authorization on {@code /v1/events}: problem+json with fixed titles and
 * details, and no {@code WWW-Authenticate} challenge.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestTokens.class, restrictToAnnotatedClass = false)
class EventAuthTests {

    private static final String EVENT = "{\"type\":\"order.created\",\"data\":{}}";

    @Test
    void shouldAnswer401MissingBearerTokenWithoutAToken() {
        unauthorized(json().post("/v1/events").then(), "Missing bearer token");
        unauthorized(json().header("Authorization", "Basic dXNlcjpwYXNz").post("/v1/events").then(),
                "Missing bearer token");
        unauthorized(json().post("/v1/events/batch").then(), "Missing bearer token");
    }

    @Test
    void shouldAnswer401InvalidBearerTokenForATokenThatDoesNotVerify() {
        unauthorized(json().header("Authorization", "Bearer not-a-jwt").post("/v1/events").then(),
                "Invalid bearer token");
        String expired = TokenMinter.hs256(TestTokens.SECRET, "acme", Set.of(Scopes.EVENTS_WRITE),
                Duration.ofMinutes(-10));
        unauthorized(json().auth().oauth2(expired).post("/v1/events/batch").then(), "Invalid bearer token");
    }

    @Test
    void shouldAnswer403NamingTheScopeForATokenWithoutEventsWrite() {
        String reader = TestTokens.token("acme", Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE);
        problem(json().auth().oauth2(reader).post("/v1/events").then(), 403, "urn:herald:problem:forbidden",
                "Forbidden", "The token lacks the scope 'events:write'");
        problem(json().auth().oauth2(reader).post("/v1/events/batch").then(), 403, "urn:herald:problem:forbidden",
                "Forbidden", "The token lacks the scope 'events:write'");
    }

    @Test
    void shouldLeaveOperationsEndpointsOpenWhateverTheToken() {
        given().get("/q/health/live").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-jwt").get("/q/health/live").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-jwt").get("/q/openapi").then().statusCode(200);
    }

    @Test
    void shouldAnswer404ForAnUnknownApiPathWhateverTheToken() {
        given().get("/v1/nothing-here").then().statusCode(404);
        given().header("Authorization", "Bearer not-a-jwt").get("/v1/nothing-here").then().statusCode(404);
    }

    private static RequestSpecification json() {
        return given().contentType("application/json").body(EVENT);
    }

    private static void unauthorized(ValidatableResponse response, String detail) {
        problem(response, 401, "urn:herald:problem:unauthorized", "Unauthorized", detail);
    }

    private static void problem(ValidatableResponse response, int status, String type, String title, String detail) {
        response.statusCode(status).contentType(Problem.MEDIA_TYPE).header("WWW-Authenticate", nullValue())
                .body("type", equalTo(type)).body("title", equalTo(title)).body("status", equalTo(status))
                .body("detail", equalTo(detail));
    }
}
