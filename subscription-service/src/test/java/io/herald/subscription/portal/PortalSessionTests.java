package io.herald.subscription.portal;

import static io.herald.subscription.attempt.LogTestSupport.PROBLEM_JSON;
import static io.herald.subscription.attempt.LogTestSupport.createEndpoint;
import static io.herald.subscription.attempt.LogTestSupport.newTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.kit.auth.AuthenticationException;
import io.herald.kit.auth.JwtVerifier;
import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * {@code POST /v1/portal-sessions} and what its token may do: the portal's operations on its own tenant's endpoints
 * through the ordinary /v1 API, nothing else, and nothing once expired or when not signed by this service.
 */
@QuarkusTest
@ServiceTestResources
class PortalSessionTests {

    @Test
    void shouldAnswerAShortLivedLinkToThePortal() {
        String tenant = newTenant();
        Instant before = Instant.now();
        JsonPath answer = given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE))
                .contentType("application/json").body(Map.of("expiresInSeconds", 600)).post("/v1/portal-sessions")
                .then().statusCode(201).extract().jsonPath();

        assertThat(answer.getString("url")).matches("http://[^/]+/portal/#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        Instant expiresAt = Instant.parse(answer.getString("expiresAt"));
        assertThat(expiresAt).isBetween(before.plusSeconds(598), before.plusSeconds(602));
        String[] parts = PortalTokenForge.fromLink(answer.getString("url")).split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(header).contains("\"typ\":\"herald-portal+jwt\"");
        assertThat(claims).contains("\"tenant\":\"" + tenant + "\"").contains("\"scope\":\"portal\"")
                .doesNotContain(Scopes.EVENTS_WRITE).doesNotContain(Scopes.ENDPOINTS_WRITE);
    }

    @Test
    void shouldDefaultToOneHourWithoutABody() {
        Instant before = Instant.now();
        String expiresAt = given().auth().oauth2(TestTokens.admin(newTenant())).post("/v1/portal-sessions").then()
                .statusCode(201).extract().path("expiresAt");
        assertThat(Instant.parse(expiresAt)).isBetween(before.plusSeconds(3598), before.plusSeconds(3602));
    }

    @Test
    void shouldRefuseToCreateASessionWithoutEndpointsWrite() {
        given().auth().oauth2(TestTokens.token(newTenant(), Scopes.ENDPOINTS_READ, Scopes.EVENTS_WRITE))
                .post("/v1/portal-sessions").then().statusCode(403).contentType(PROBLEM_JSON);
        given().post("/v1/portal-sessions").then().statusCode(401).contentType(PROBLEM_JSON);
    }

    @Test
    void shouldRefuseBadSessionRequests() {
        String admin = TestTokens.admin(newTenant());
        as(admin).contentType("application/json").body("{\"expiresInSecond\": 60}").post("/v1/portal-sessions").then()
                .statusCode(422).contentType(PROBLEM_JSON).body("errors[0].field", equalTo("expiresInSecond"));
        as(admin).contentType("application/json").body(Map.of("expiresInSeconds", 59)).post("/v1/portal-sessions")
                .then().statusCode(400).body("errors[0].field", equalTo("expiresInSeconds"));
        as(admin).contentType("application/json").body(Map.of("expiresInSeconds", 86401)).post("/v1/portal-sessions")
                .then().statusCode(400);
        as(admin).contentType("application/json").body(Map.of("eventTypes", List.of("not a type")))
                .post("/v1/portal-sessions").then().statusCode(400).body("errors[0].field", equalTo("eventTypes"));
        as(admin).contentType("application/json").body("{\"expiresInSeconds\": \"soon\"}").post("/v1/portal-sessions")
                .then().statusCode(400).contentType(PROBLEM_JSON);
    }

    @Test
    void shouldLetAPortalTokenManageItsOwnTenantsEndpointsOnly() {
        String tenant = newTenant();
        String other = newTenant();
        String foreignEndpoint = createEndpoint(other);
        String portal = portal(tenant, List.of());

        String id = as(portal).contentType("application/json")
                .body(Map.of("url", "https://localhost/portal", "eventTypes", List.of("order.*"))).post("/v1/endpoints")
                .then().statusCode(201).body("secret", containsString("whsec_")).extract().path("id");
        as(portal).get("/v1/endpoints").then().statusCode(200).body("data.id", equalTo(List.of(id)));
        as(portal).get("/v1/endpoints/" + id + "/secret").then().statusCode(200);
        as(portal).post("/v1/endpoints/" + id + "/rotate-secret").then().statusCode(200);
        as(portal).get("/v1/endpoints/" + id + "/attempts").then().statusCode(200);
        as(portal).get("/v1/endpoints/" + id + "/attempt-stats").then().statusCode(200);
        as(portal).get("/v1/dead-letters").then().statusCode(200);
        as(portal).contentType("application/json").body(Map.of("enabled", false)).patch("/v1/endpoints/" + id).then()
                .statusCode(200).body("enabled", equalTo(false));

        // Another tenant's endpoint does not exist for it, exactly as for that tenant's own API tokens.
        as(portal).get("/v1/endpoints/" + foreignEndpoint).then().statusCode(404);
        as(portal).get("/v1/endpoints/" + foreignEndpoint + "/secret").then().statusCode(404);
        as(portal).delete("/v1/endpoints/" + foreignEndpoint).then().statusCode(404);
        given().auth().oauth2(TestTokens.admin(other)).get("/v1/endpoints/" + foreignEndpoint).then().statusCode(200);
        given().auth().oauth2(TestTokens.admin(other)).get("/v1/endpoints").then().body("data.id",
                not(org.hamcrest.Matchers.hasItem(id)));

        as(portal).delete("/v1/endpoints/" + id).then().statusCode(204);
    }

    @Test
    void shouldRefuseAPortalTokenOutsideThePortalsOperations() {
        String portal = portal(newTenant(), List.of());
        // A portal session cannot mint another one (which would outlive it) ...
        as(portal).post("/v1/portal-sessions").then().statusCode(403).contentType(PROBLEM_JSON).body("detail",
                containsString("portal session may not"));
        // ... nor manage the event-type catalog, whether or not this server has one.
        as(portal).contentType("application/json").body(Map.of("name", "order.created")).post("/v1/event-types").then()
                .statusCode(org.hamcrest.Matchers.either(equalTo(403)).or(equalTo(404)));
    }

    @Test
    void shouldRefuseEventTypesTheSessionDoesNotOffer() {
        String portal = portal(newTenant(), List.of("order.created", "invoice.*"));
        as(portal).contentType("application/json")
                .body(Map.of("url", "https://localhost/p", "eventTypes", List.of("order.created", "user.deleted")))
                .post("/v1/endpoints").then().statusCode(400).body("errors[0].field", equalTo("eventTypes[1]"));
        String id = as(portal).contentType("application/json")
                .body(Map.of("url", "https://localhost/p", "eventTypes", List.of("invoice.*"))).post("/v1/endpoints")
                .then().statusCode(201).extract().path("id");
        as(portal).contentType("application/json").body(Map.of("eventTypes", List.of("*"))).patch("/v1/endpoints/" + id)
                .then().statusCode(400).body("errors[0].field", equalTo("eventTypes[0]"));
    }

    @Test
    void shouldRefuseAnExpiredPortalToken() {
        String tenant = newTenant();
        createEndpoint(tenant);
        String expired = PortalTokenForge.token(PortalTokenForge.serviceKey(), tenant, Instant.now().minusSeconds(1));
        given().auth().oauth2(expired).get("/v1/endpoints").then().statusCode(401).contentType(PROBLEM_JSON);
        // The same token a minute before its end is accepted: the refusal above is the expiry, nothing else.
        String valid = PortalTokenForge.token(PortalTokenForge.serviceKey(), tenant, Instant.now().plusSeconds(60));
        given().auth().oauth2(valid).get("/v1/endpoints").then().statusCode(200);
    }

    @Test
    void shouldRefuseForgedPortalTokens() {
        String tenant = newTenant();
        createEndpoint(tenant);
        Instant later = Instant.now().plusSeconds(600);
        // Signed with another key, including the identity provider's own HS256 secret.
        String otherKey = PortalTokenForge.token("some-other-key-of-thirty-two-bytes-or-more".getBytes(), tenant,
                later);
        String providerKey = PortalTokenForge.token(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8), tenant, later);
        // A genuine token whose tenant was edited after signing.
        String genuine = PortalTokenForge.token(PortalTokenForge.serviceKey(), "t-attacker", later);
        String[] parts = genuine.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("t-attacker", tenant);
        String edited = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        // Unsigned.
        String unsigned = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"herald-portal+jwt\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";

        for (String forged : List.of(otherKey, providerKey, edited, unsigned)) {
            given().auth().oauth2(forged).get("/v1/endpoints").then().statusCode(401).contentType(PROBLEM_JSON);
        }
    }

    @Test
    void shouldNotPassWhereOnlyTheIdentityProvidersTokensCount() {
        String link = given().auth().oauth2(TestTokens.admin(newTenant())).post("/v1/portal-sessions").then()
                .statusCode(201).extract().path("url");
        String token = PortalTokenForge.fromLink(link);
        // What ingest runs: the identity provider's verifier, which does not know the portal's key.
        assertThatThrownBy(() -> JwtVerifier.hs256(TestTokens.SECRET).verify(token))
                .isInstanceOf(AuthenticationException.class);
        // Not even were it configured with the portal's key: its typ is not a plain JWT's.
        String portalKey = new String(PortalTokenForge.serviceKey(), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> JwtVerifier.hs256(portalKey).verify(token)).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("typ");
        // And its own scope claim is only "portal": no events:write, no endpoints:* outside this service.
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(claims).contains("\"scope\":\"portal\"");
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    /** The token of a fresh ten-minute portal session of the tenant. */
    static String portal(String tenant, List<String> eventTypes) {
        String link = given().auth().oauth2(TestTokens.admin(tenant)).contentType("application/json")
                .body(Map.of("eventTypes", eventTypes, "expiresInSeconds", Duration.ofMinutes(10).toSeconds()))
                .post("/v1/portal-sessions").then().statusCode(201).extract().path("url");
        return PortalTokenForge.fromLink(link);
    }
}
