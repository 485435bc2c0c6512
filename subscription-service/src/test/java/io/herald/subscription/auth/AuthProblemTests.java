package io.herald.subscription.auth;

import static io.herald.testing.ProblemAssertions.forbidden;
import static io.herald.testing.ProblemAssertions.unauthorized;
import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The exact answers of authentication and authorization on the subscription API: problem+json with fixed titles and
 * details, no {@code WWW-Authenticate} challenge, and the operations and portal paths open without a token.
 */
@QuarkusTest
@ServiceTestResources
class AuthProblemTests {

    @Test
    void shouldAnswer401MissingBearerTokenWithoutAToken() {
        unauthorized(given().get("/v1/endpoints").then(), "Missing bearer token");
        unauthorized(given().header("Authorization", "Basic dXNlcjpwYXNz").get("/v1/event-types").then(),
                "Missing bearer token");
        unauthorized(given().contentType("application/json").body("{}").post("/v1/portal-sessions").then(),
                "Missing bearer token");
    }

    @Test
    void shouldAnswer401InvalidBearerTokenForATokenThatDoesNotVerify() {
        unauthorized(given().auth().oauth2("not-a-jwt").get("/v1/endpoints").then(), "Invalid bearer token");
        unauthorized(given().auth().oauth2("not-a-jwt").get("/v1/dead-letters").then(), "Invalid bearer token");
    }

    @Test
    void shouldAnswer403NamingTheScopeTheTokenLacks() {
        String writer = TestTokens.token("t-scopes", Scopes.ENDPOINTS_WRITE);
        forbidden(given().auth().oauth2(writer).get("/v1/endpoints").then(),
                "The token lacks the scope 'endpoints:read'");
        forbidden(given().auth().oauth2(writer).contentType("application/json").body("{\"name\":\"order.created\"}")
                .post("/v1/event-types").then(), "The token lacks the scope 'event-types:write'");
        forbidden(
                given().auth().oauth2(TestTokens.token("t-scopes", Scopes.ENDPOINTS_READ))
                        .get("/v1/endpoints/ep_any/secret").then(),
                "The token lacks one of the scopes endpoints:write, " + "endpoints:secrets");
    }

    @Test
    void shouldLeaveOperationsEndpointsAndThePortalPageOpenWhateverTheToken() {
        given().header("Authorization", "Bearer not-a-jwt").get("/q/health/live").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-jwt").get("/q/openapi").then().statusCode(200);
        given().get("/portal/").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-jwt").get("/portal/").then().statusCode(200);
    }

    @Test
    void shouldAnswer404ForAnUnknownApiPathWhateverTheToken() {
        given().header("Authorization", "Bearer not-a-jwt").get("/v1/nothing-here").then().statusCode(404);
    }
}
