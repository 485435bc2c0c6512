package io.herald.subscription.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
@ServiceTestResources
class EndpointResourceTests {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void shouldCreateEndpointAndAnswer201WithLocationAndWhsecSecret() {
        String tenant = newTenant();

        ExtractableResponse<Response> created = given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE))
                .contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/hooks", "description", "orders", "eventTypes",
                        List.of("order.created", "invoice.*")))
                .post("/v1/endpoints").then().statusCode(201).contentType(ContentType.JSON)
                .body("url", equalTo("https://localhost/hooks")).body("description", equalTo("orders"))
                .body("eventTypes", equalTo(List.of("order.created", "invoice.*"))).body("enabled", equalTo(true))
                .body("secret", startsWith("whsec_")).extract();

        String id = created.path("id");
        assertThat(id).matches("ep_[0-9a-z]{26}");
        assertThat(created.header("Location")).endsWith("/v1/endpoints/" + id);
        assertThat(created.<String> path("createdAt")).isNotBlank();
    }

    @Test
    void shouldKeepEnabledFalseWhenAsked() {
        String tenant = newTenant();

        String id = given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "http://localhost/off", "eventTypes", List.of("*"), "enabled", false))
                .post("/v1/endpoints").then().statusCode(201).body("enabled", equalTo(false)).extract().path("id");

        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(200)
                .body("enabled", equalTo(false));
    }

    @Test
    void shouldGetAndListEndpointWithoutSecretForItsTenant() {
        String tenant = newTenant();
        ExtractableResponse<Response> created = create(tenant, "https://localhost/a");
        String id = created.path("id");
        String read = TestTokens.token(tenant, Scopes.ENDPOINTS_READ);

        given().auth().oauth2(read).get("/v1/endpoints/" + id).then().statusCode(200).body("id", equalTo(id))
                .body("url", equalTo("https://localhost/a")).body("eventTypes", equalTo(List.of("order.*")))
                .body("createdAt", equalTo(created.path("createdAt"))).body("$", not(hasKey("secret")));

        given().auth().oauth2(read).get("/v1/endpoints").then().statusCode(200).body("data.id", hasItem(id))
                .body("data.find { it.id == '" + id + "' }.url", equalTo("https://localhost/a"))
                .body("data.find { it.id == '" + id + "' }.secret", nullValue())
                .body("data.find { it.id == '" + id + "' }", not(hasKey("secret")));
    }

    @Test
    void shouldReturnTheSecretAgainToItsTenantWithAWriteOrSecretsScopeOnly() {
        String tenant = newTenant();
        ExtractableResponse<Response> created = create(tenant, "https://localhost/s");
        String path = "/v1/endpoints/" + created.path("id") + "/secret";

        for (String scope : List.of(Scopes.ENDPOINTS_WRITE, Scopes.ENDPOINTS_SECRETS)) {
            given().auth().oauth2(TestTokens.token(tenant, scope)).get(path).then().statusCode(200).body("secret",
                    equalTo(created.path("secret")));
        }
        // A read-only token (a dashboard) lists endpoints but never gets what signs their deliveries.
        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ)).get(path).then().statusCode(403)
                .contentType(PROBLEM_JSON).body(not(containsString("whsec_")));
    }

    @Test
    void shouldHideAnEndpointFromAnotherTenant() {
        String owner = newTenant();
        String other = newTenant();
        String id = create(owner, "https://localhost/private").path("id");
        String otherToken = TestTokens.admin(other);

        given().auth().oauth2(otherToken).get("/v1/endpoints/" + id).then().statusCode(404).contentType(PROBLEM_JSON)
                .body("status", equalTo(404)).body("$", not(hasKey("url")));
        given().auth().oauth2(otherToken).get("/v1/endpoints/" + id + "/secret").then().statusCode(404)
                .contentType(PROBLEM_JSON).body("$", not(hasKey("secret")));
        given().auth().oauth2(otherToken).get("/v1/endpoints").then().statusCode(200).body("data.id", not(hasItem(id)));
    }

    @Test
    void shouldListOnlyUpToLimit() {
        String tenant = newTenant();
        IntStream.range(0, 3).forEach(i -> create(tenant, "https://localhost/" + i));

        given().auth().oauth2(TestTokens.admin(tenant)).queryParam("limit", 2).get("/v1/endpoints").then()
                .statusCode(200).body("data.size()", equalTo(2));
        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints").then().statusCode(200).body("data.size()",
                equalTo(3));
        given().auth().oauth2(TestTokens.admin(tenant)).queryParam("limit", 0).get("/v1/endpoints").then()
                .statusCode(400).contentType(PROBLEM_JSON).body("errors[0].field", equalTo("limit"));
        // Not a number: the same 400 problem naming the parameter, not the 404 JAX-RS gives a query parameter it
        // cannot convert.
        given().auth().oauth2(TestTokens.admin(tenant)).queryParam("limit", "ten").get("/v1/endpoints").then()
                .statusCode(400).contentType(PROBLEM_JSON).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void shouldAnswerNotFoundForUnknownId() {
        given().auth().oauth2(TestTokens.admin(newTenant())).get("/v1/endpoints/ep_doesnotexist").then().statusCode(404)
                .contentType(PROBLEM_JSON);
    }

    @Test
    void shouldAnswer401WithoutValidToken() {
        given().contentType(ContentType.JSON).body(validBody()).post("/v1/endpoints").then().statusCode(401)
                .contentType(PROBLEM_JSON);
        given().get("/v1/endpoints").then().statusCode(401).contentType(PROBLEM_JSON);
        given().auth().oauth2("not-a-jwt").get("/v1/endpoints").then().statusCode(401).contentType(PROBLEM_JSON);
    }

    @Test
    void shouldAnswer403WithoutTheNeededScope() {
        String tenant = newTenant();
        String id = create(tenant, "https://localhost/scoped").path("id");

        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_READ)).contentType(ContentType.JSON)
                .body(validBody()).post("/v1/endpoints").then().statusCode(403).contentType(PROBLEM_JSON);
        // A write scope does not grant reads, and events:write grants neither.
        given().auth().oauth2(TestTokens.token(tenant, Scopes.ENDPOINTS_WRITE)).get("/v1/endpoints").then()
                .statusCode(403).contentType(PROBLEM_JSON);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).get("/v1/endpoints/" + id).then()
                .statusCode(403).contentType(PROBLEM_JSON);
        given().auth().oauth2(TestTokens.token(tenant, Scopes.EVENTS_WRITE)).get("/v1/endpoints/" + id + "/secret")
                .then().statusCode(403).contentType(PROBLEM_JSON);
    }

    @Test
    void shouldAnswer401ForATenantClaimOutsideTheAllowedShape() {
        for (String tenant : List.of("acme/other", "-acme", "a".repeat(65), "acme tenant")) {
            given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints").then().statusCode(401)
                    .contentType(PROBLEM_JSON);
        }
    }

    @Test
    void shouldCheckTheScopeBeforeTheBody() {
        given().auth().oauth2(TestTokens.token(newTenant(), Scopes.ENDPOINTS_READ)).contentType(ContentType.JSON)
                .body("{\"url\": \"ftp://x\"}").post("/v1/endpoints").then().statusCode(403);
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(Arguments.of("missing url", "{\"eventTypes\": [\"order.created\"]}", "url"),
                Arguments.of("relative url", "{\"url\": \"/hooks\", \"eventTypes\": [\"order.created\"]}", "url"),
                Arguments.of("ftp url", "{\"url\": \"ftp://localhost/x\", \"eventTypes\": [\"order.created\"]}", "url"),
                Arguments.of("url without host", "{\"url\": \"https:///x\", \"eventTypes\": [\"order.created\"]}",
                        "url"),
                Arguments.of("url too long",
                        "{\"url\": \"https://localhost/" + "a".repeat(2048) + "\", \"eventTypes\": [\"a.b\"]}", "url"),
                Arguments.of("description too long",
                        "{\"url\": \"https://localhost\", \"description\": \"" + "d".repeat(513)
                                + "\", \"eventTypes\": [\"a.b\"]}",
                        "description"),
                Arguments.of("missing eventTypes", "{\"url\": \"https://localhost\"}", "eventTypes"),
                Arguments.of("empty eventTypes", "{\"url\": \"https://localhost\", \"eventTypes\": []}", "eventTypes"),
                Arguments.of("bad pattern", "{\"url\": \"https://localhost\", \"eventTypes\": [\"order*\"]}",
                        "eventTypes"),
                Arguments.of("null pattern", "{\"url\": \"https://localhost\", \"eventTypes\": [null]}", "eventTypes"),
                Arguments.of("too many eventTypes", "{\"url\": \"https://localhost\", \"eventTypes\": ["
                        + String.join(",", IntStream.range(0, 51).mapToObj(i -> "\"t.e" + i + "\"").toList()) + "]}",
                        "eventTypes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void shouldAnswer400NamingTheInvalidField(String caseName, String body, String field) {
        given().auth().oauth2(TestTokens.admin(newTenant())).contentType(ContentType.JSON).body(body)
                .post("/v1/endpoints").then().statusCode(400).contentType(PROBLEM_JSON).body("status", equalTo(400))
                .body("errors.field", hasItem(field));
    }

    static Stream<Arguments> unreadableBodies() {
        return Stream.of(Arguments.of("malformed JSON", "{\"url\": \"https://localhost\", ", "body"),
                Arguments.of("eventTypes not a list", "{\"url\": \"https://localhost\", \"eventTypes\": \"a.b\"}",
                        "eventTypes"),
                Arguments.of("enabled not a boolean",
                        "{\"url\": \"https://localhost\", \"eventTypes\": [\"a.b\"], \"enabled\": \"maybe\"}",
                        "enabled"),
                Arguments.of("url an object", "{\"url\": {\"a\": 1}, \"eventTypes\": [\"a.b\"]}", "url"),
                Arguments.of("body an array", "[1, 2]", "body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableBodies")
    void shouldAnswer400ForBodiesThatAreNotTheRightJson(String caseName, String body, String mentioned) {
        String detail = given().auth().oauth2(TestTokens.admin(newTenant())).contentType(ContentType.JSON).body(body)
                .post("/v1/endpoints").then().statusCode(400).contentType(PROBLEM_JSON).body("status", equalTo(400))
                .extract().path("detail");

        if (!mentioned.equals("body")) {
            assertThat(detail).contains(mentioned);
        }
    }

    @Test
    void shouldAnswer400ForAnEmptyBody() {
        given().auth().oauth2(TestTokens.admin(newTenant())).contentType(ContentType.JSON).post("/v1/endpoints").then()
                .statusCode(400).contentType(PROBLEM_JSON);
    }

    private static ExtractableResponse<Response> create(String tenant, String url) {
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", url, "eventTypes", List.of("order.*"))).post("/v1/endpoints").then().statusCode(201)
                .extract();
    }

    private static Map<String, Object> validBody() {
        return Map.of("url", "https://localhost/hooks", "eventTypes", List.of("order.created"));
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID();
    }
}
