package io.herald.subscription.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Tenant quotas (subscription's part): endpoints per tenant and the size of one endpoint are bounded. */
@QuarkusTest
@ServiceTestResources
@TestProfile(EndpointQuotaTests.SmallQuotas.class)
class EndpointQuotaTests {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final int QUOTA = 3;
    private static final int MAX_BYTES = 8192;

    /** Small bounds, so a test reaches them with a few requests. */
    public static class SmallQuotas implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.subscription.endpoints.max-per-tenant", String.valueOf(QUOTA),
                    "herald.subscription.endpoints.max-endpoint-bytes", String.valueOf(MAX_BYTES));
        }
    }

    @Test
    void shouldRefuseAnEndpointPastTheTenantsQuotaWith409AndOnlyForThatTenant() {
        String tenant = "t-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < QUOTA; i++) {
            ids.add(create(tenant, Map.of()).then().statusCode(201).extract().path("id"));
        }

        create(tenant, Map.of()).then().statusCode(409).contentType(PROBLEM_JSON).body("status", equalTo(409))
                .body("type", equalTo("urn:herald:problem:endpoint-quota-exceeded"))
                .body("title", equalTo("Endpoint quota reached"))
                .body("detail", containsString("already has " + QUOTA + " endpoints"));
        assertThat(count(tenant)).isEqualTo(QUOTA);
        // Another tenant is not affected.
        create("t-" + UUID.randomUUID(), Map.of()).then().statusCode(201);

        // Deleting one makes room for one.
        given().auth().oauth2(TestTokens.admin(tenant)).delete("/v1/endpoints/" + ids.get(0)).then().statusCode(204);
        create(tenant, Map.of()).then().statusCode(201);
        create(tenant, Map.of()).then().statusCode(409);
    }

    @Test
    void shouldNeverOvershootTheQuotaUnderConcurrentCreates() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        int attempts = 12;
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        try {
            List<Callable<Integer>> creates = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                creates.add(() -> create(tenant, Map.of()).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(creates)) {
                statuses.add(status.get());
            }

            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses.stream().filter(s -> s == 201)).hasSize(QUOTA);
            assertThat(count(tenant)).isEqualTo(QUOTA);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseAnEndpointLargerThanTheBoundWith422NamingWhatIsTooBig() {
        String tenant = "t-" + UUID.randomUUID();

        create(tenant, Map.of("headers", bigHeaders())).then().statusCode(422).contentType(PROBLEM_JSON)
                .body("status", equalTo(422)).body("type", equalTo("urn:herald:problem:endpoint-too-large"))
                .body("detail", containsString("more than the " + MAX_BYTES))
                .body("errors[0].field", equalTo("headers")).body("errors[0].message", containsString("bytes"));

        assertThat(count(tenant)).isZero();
    }

    @Test
    void shouldRefuseAChangeThatGrowsAnEndpointPastTheBoundAndKeepItAsItWas() {
        String tenant = "t-" + UUID.randomUUID();
        String id = create(tenant, Map.of("headers", Map.of("X-Team", "a"))).then().statusCode(201).extract()
                .path("id");

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("headers", bigHeaders())).patch("/v1/endpoints/" + id).then().statusCode(422)
                .contentType(PROBLEM_JSON).body("errors[0].field", equalTo("headers"));

        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(200)
                .body("headers", equalTo(Map.of("X-Team", "a")));
    }

    /** Ten headers of 1000 characters: each within the per-header limits, together past the endpoint bound. */
    private static Map<String, String> bigHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            headers.put("X-Big-" + i, "v".repeat(1000));
        }
        return headers;
    }

    private static Response create(String tenant, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(
                Map.of("url", "https://localhost/quota", "eventTypes", List.of("*")));
        body.putAll(extra);
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(body)
                .post("/v1/endpoints");
    }

    private static int count(String tenant) {
        return given().auth().oauth2(TestTokens.admin(tenant)).queryParam("limit", 100).get("/v1/endpoints").then()
                .statusCode(200).extract().jsonPath().getList("data").size();
    }
}
