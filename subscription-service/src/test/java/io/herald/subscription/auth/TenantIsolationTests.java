package io.herald.subscription.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;
import io.herald.subscription.attempt.LogTestSupport;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Two tenants, each with an endpoint, a logged attempt and a dead letter; each tries every route of the API (read from
 * the service's own OpenAPI document, so a new route is covered the day it appears) on the other's ids. The answer is
 * 404 or a page without the other's data, and the other's endpoint, log and dead letters are left exactly as they were.
 * Every route also refuses a missing, expired or unsigned token (401) and a token without the scope (403), all as
 * problem+json.
 */
@QuarkusTest
@ServiceTestResources
class TenantIsolationTests {

    private static final String PROBLEM_JSON = "application/problem+json";
    /** Routes whose answer for another tenant's id must be exactly 404 (those taking an endpoint id). */
    private static final Set<String> ENDPOINT_ROUTES = Set.of("GET /v1/endpoints/{id}", "PATCH /v1/endpoints/{id}",
            "DELETE /v1/endpoints/{id}", "GET /v1/endpoints/{id}/secret", "POST /v1/endpoints/{id}/rotate-secret",
            "GET /v1/endpoints/{id}/attempts", "POST /v1/endpoints/{id}/recover", "POST /v1/dead-letters/{id}/replay",
            "GET /v1/endpoints/{id}/attempt-stats", "POST /v1/endpoints/{id}/test-events");

    record Route(String method, String path) {

        String key() {
            return method + " " + path;
        }
    }

    /** What one tenant owns; {@code secret} is the plaintext signing secret. */
    record Victim(String tenant, String endpointId, String secret, String eventId, String deliveryId,
            String deadLetterId) {

        List<String> data() {
            return List.of(tenant, eventId, deliveryId, secret.substring(6));
        }

        /** Everything the tenant can read about what it owns, to compare before and after the intrusions. */
        List<String> snapshot() {
            String token = TestTokens.admin(tenant);
            return List.of(
                    given().auth().oauth2(token).get("/v1/endpoints/" + endpointId).then().statusCode(200).extract()
                            .asString(),
                    given().auth().oauth2(token).get("/v1/endpoints/" + endpointId + "/secret").then().statusCode(200)
                            .extract().asString(),
                    given().auth().oauth2(token).get("/v1/endpoints/" + endpointId + "/attempts").then().statusCode(200)
                            .extract().asString(),
                    given().auth().oauth2(token).queryParam("endpointId", endpointId).get("/v1/dead-letters").then()
                            .statusCode(200).extract().asString());
        }
    }

    @Test
    void shouldNeverShowOrChangeAnotherTenantsDataOnAnyRoute() {
        Victim alice = victim("t-alice-" + UUID.randomUUID());
        Victim bob = victim("t-bob-" + UUID.randomUUID());
        List<String> aliceBefore = alice.snapshot();
        List<String> bobBefore = bob.snapshot();

        List<Route> routes = routes();
        assertThat(routes).extracting(Route::key).containsAll(ENDPOINT_ROUTES).contains("GET /v1/endpoints",
                "POST /v1/endpoints");
        for (Route route : routes) {
            tryAsOther(route, bob.tenant(), alice);
            tryAsOther(route, alice.tenant(), bob);
        }

        assertThat(alice.snapshot()).isEqualTo(aliceBefore);
        assertThat(bob.snapshot()).isEqualTo(bobBefore);
        assertThat(aliceBefore.get(1)).contains(alice.secret());
        assertThat(aliceBefore.get(2)).contains(alice.eventId());
        assertThat(aliceBefore.get(3)).contains(alice.deadLetterId());
    }

    @Test
    void shouldAnswer401ForMissingExpiredOrUnsignedTokensAnd403WithoutTheScopeOnEveryRoute() {
        String tenant = "t-" + UUID.randomUUID();
        String id = create(tenant).get("id");
        String expired = TokenMinter.hs256(TestTokens.SECRET, tenant,
                Set.of(Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE), Duration.ofMinutes(-10));
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().claim("tenant", tenant)
                .claim("scope", Scopes.ENDPOINTS_READ + " " + Scopes.ENDPOINTS_WRITE)
                .expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000)).build()).serialize();
        String wrongKey = TokenMinter.hs256("another-hs256-secret-0123456789abcdefghij", tenant,
                Set.of(Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE), Duration.ofMinutes(5));
        String noScope = TestTokens.token(tenant, Scopes.EVENTS_WRITE);

        for (Route route : routes()) {
            String path = path(route, id);
            request(null, route).when().request(route.method(), path).then().statusCode(401).contentType(PROBLEM_JSON);
            for (String bad : List.of(expired, unsigned, wrongKey)) {
                request(bad, route).when().request(route.method(), path).then().statusCode(401)
                        .contentType(PROBLEM_JSON);
            }
            request(noScope, route).when().request(route.method(), path).then().statusCode(403)
                    .contentType(PROBLEM_JSON);
        }
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(200);
    }

    private static void tryAsOther(Route route, String intruder, Victim victim) {
        ExtractableResponse<Response> answer = request(TestTokens.admin(intruder), route).when()
                .request(route.method(), path(route, victim)).then().extract();
        String body = answer.body().asString();
        if (answer.statusCode() != 404) {
            // A 404 may repeat the id the intruder sent; any other answer must not know it.
            assertThat(body).as(route.key()).doesNotContain(victim.endpointId()).doesNotContain(victim.deadLetterId());
        }
        for (String data : victim.data()) {
            assertThat(body).as(route.key()).doesNotContain(data);
        }
        if (ENDPOINT_ROUTES.contains(route.key())) {
            assertThat(answer.statusCode()).as(route.key()).isEqualTo(404);
            assertThat(answer.contentType()).as(route.key()).startsWith(PROBLEM_JSON);
        } else {
            // 422: the endpoint-shaped body has fields another route does not know (e.g. /v1/event-types).
            assertThat(answer.statusCode()).as(route.key()).isIn(200, 201, 202, 204, 400, 404, 422);
        }
    }

    private static RequestSpecification request(String token, Route route) {
        RequestSpecification request = given();
        if (token != null) {
            request.auth().oauth2(token);
        }
        if (route.method().equals("POST") || route.method().equals("PATCH")) {
            request.contentType(ContentType.JSON).body(
                    Map.of("url", "https://localhost/intruder", "eventTypes", List.of("*"), "description", "intruder"));
        }
        return request.queryParam("since", "2020-01-01T00:00:00Z");
    }

    /** Every operation of the OpenAPI document under /v1. */
    private static List<Route> routes() {
        JsonNode paths = Json.read(
                given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString(),
                JsonNode.class).get("paths");
        List<Route> routes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> path = it.next();
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext();) {
                String method = methods.next();
                if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                    routes.add(new Route(method.toUpperCase(java.util.Locale.ROOT), path.getKey()));
                }
            }
        }
        return routes;
    }

    /** The route with its path parameter set to the victim's id of that kind. */
    private static String path(Route route, Victim victim) {
        String id = route.path().startsWith("/v1/events/") ? victim.eventId()
                : route.path().startsWith("/v1/dead-letters/") ? victim.deadLetterId() : victim.endpointId();
        return route.path().replaceAll("\\{[^}]+}", id);
    }

    private static String path(Route route, String id) {
        return route.path().replaceAll("\\{[^}]+}", id);
    }

    private static Map<String, String> create(String tenant) {
        ExtractableResponse<Response> created = given().auth().oauth2(TestTokens.admin(tenant))
                .contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/" + tenant, "eventTypes", List.of("*"), "description", tenant))
                .post("/v1/endpoints").then().statusCode(201).extract();
        return Map.of("id", created.path("id"), "secret", created.path("secret"));
    }

    /** A tenant with an endpoint, one failed attempt in the log and one dead letter, all stored. */
    private static Victim victim(String tenant) {
        Map<String, String> endpoint = create(tenant);
        String endpointId = endpoint.get("id");
        String eventId = "evt_" + UUID.randomUUID();
        String deliveryId = DeliveryMessage.deliveryId(eventId, endpointId);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        LogTestSupport.publish(Topics.ATTEMPTS, endpointId,
                List.of(new AttemptMessage(AttemptMessage.SCHEMA_VERSION, AttemptMessage.attemptId(deliveryId, 1),
                        deliveryId, "msg_" + eventId, tenant, endpointId, eventId, "order.created", 1,
                        AttemptOutcome.RETRY_SCHEDULED, 503, 12, "HTTP 503", "{}", now, now.plusSeconds(5))));
        DeliveryMessage delivery = new DeliveryMessage(DeliveryMessage.SCHEMA_VERSION, deliveryId, "msg_" + eventId,
                tenant, endpointId, eventId, "order.created", "{\"type\":\"order.created\"}", 7, now.minusSeconds(60),
                now);
        LogTestSupport.publish(Topics.DLQ, endpointId,
                List.of(new DeadLetterMessage(DeadLetterMessage.SCHEMA_VERSION, delivery, 503, "HTTP 503", now)));
        LogTestSupport.await("the attempt and the dead letter of " + tenant + " are stored",
                () -> LogTestSupport.queryLong("select count(*) from attempt where delivery_id = ?", deliveryId) == 1
                        && LogTestSupport.queryLong("select count(*) from dead_letter where delivery_id = ?",
                                deliveryId) == 1);
        String deadLetterId = given().auth().oauth2(TestTokens.admin(tenant)).queryParam("endpointId", endpointId)
                .get("/v1/dead-letters").then().statusCode(200).extract().path("data[0].id");
        return new Victim(tenant, endpointId, endpoint.get("secret"), eventId, deliveryId, deadLetterId);
    }

}
