package io.herald.ingest.event;

import static io.herald.testing.ProblemAssertions.forbidden;
import static io.herald.testing.ProblemAssertions.unauthorized;
import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * The exact answers of authentication and authorization on {@code /v1/events}: problem+json with fixed titles and
 * details, and no {@code WWW-Authenticate} challenge.
 */
@QuarkusTest
@ServiceTestResources
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
        forbidden(json().auth().oauth2(reader).post("/v1/events").then(), "The token lacks the scope 'events:write'");
        forbidden(json().auth().oauth2(reader).post("/v1/events/batch").then(),
                "The token lacks the scope 'events:write'");
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

}
