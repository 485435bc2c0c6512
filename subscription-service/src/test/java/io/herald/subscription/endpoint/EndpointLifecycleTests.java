package io.herald.subscription.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointState;
import io.herald.subscription.EndpointTopic;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
@ServiceTestResources
class EndpointLifecycleTests {

    @Test
    void shouldPatchFieldsAndPublishTheNewStateWithDeliveryOptions() {
        String tenant = newTenant();
        String id = create(tenant, Map.of("url", "https://localhost/v1", "eventTypes", List.of("order.*"))).path("id");

        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("url", "http://127.0.0.1:9/v2");
        patch.put("description", "billing");
        patch.put("eventTypes", List.of("invoice.paid", "order.*"));
        patch.put("enabled", false);
        patch.put("headers", Map.of("X-Team", "billing", "Authorization", "Basic dXNlcjpwYXNz"));
        patch.put("rateLimitPerSecond", 25);
        patch.put("retryScheduleMs", List.of(100, 1000, 60000));
        given().auth().oauth2(TestTokens.admin(tenant)).contentType("application/merge-patch+json").body(patch)
                .patch("/v1/endpoints/" + id).then().statusCode(200).body("url", equalTo("http://127.0.0.1:9/v2"))
                .body("description", equalTo("billing")).body("enabled", equalTo(false))
                .body("headers.X-Team", equalTo("billing")).body("rateLimitPerSecond", equalTo(25))
                .body("retryScheduleMs", equalTo(List.of(100, 1000, 60000)));

        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id, found -> found.size() >= 2);
        EndpointState created = EndpointTopic.state(records.get(0).value());
        EndpointState updated = EndpointTopic.state(records.get(1).value());
        assertThat(updated.version()).isEqualTo(created.version() + 1);
        assertThat(updated.url()).isEqualTo("http://127.0.0.1:9/v2");
        assertThat(updated.eventTypes()).containsExactly("invoice.paid", "order.*");
        assertThat(updated.enabled()).isFalse();
        assertThat(updated.headers()).containsEntry("X-Team", "billing").containsEntry("Authorization",
                "Basic dXNlcjpwYXNz");
        assertThat(updated.rateLimitPerSecond()).isEqualTo(25);
        assertThat(updated.retryScheduleMs()).containsExactly(100L, 1000L, 60000L);
        assertThat(updated.secrets()).isEqualTo(created.secrets());
    }

    @Test
    void shouldKeepAbsentFieldsAndResetNulledOptionalOnes() {
        String tenant = newTenant();
        String id = create(tenant, Map.of("url", "https://localhost/keep", "description", "d", "eventTypes",
                List.of("a.b"), "headers", Map.of("X-A", "1"), "rateLimitPerSecond", 5)).path("id");

        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("headers", null);
        patch.put("rateLimitPerSecond", null);
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(patch)
                .patch("/v1/endpoints/" + id).then().statusCode(200).body("url", equalTo("https://localhost/keep"))
                .body("description", equalTo("d")).body("eventTypes", equalTo(List.of("a.b")))
                .body("headers", nullValue()).body("rateLimitPerSecond", nullValue());
    }

    @Test
    void shouldNotPublishAPatchThatChangesNothing() {
        String tenant = newTenant();
        ExtractableResponse<Response> created = create(tenant,
                Map.of("url", "https://localhost/same", "eventTypes", List.of("a.b")));
        String id = created.path("id");

        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", "https://localhost/same")).patch("/v1/endpoints/" + id).then().statusCode(200)
                .body("updatedAt", equalTo(created.path("updatedAt")));
        // A real change afterwards is the second record: the no-op published nothing in between.
        given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("description", "changed")).patch("/v1/endpoints/" + id).then().statusCode(200);

        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id,
                found -> found.stream().anyMatch(r -> r.value().contains("\"version\":1")));
        assertThat(records).hasSize(2);
    }

    @Test
    void shouldDeleteAndPublishATombstone() {
        String tenant = newTenant();
        String id = create(tenant, Map.of("url", "https://localhost/gone", "eventTypes", List.of("*"))).path("id");

        given().auth().oauth2(TestTokens.admin(tenant)).delete("/v1/endpoints/" + id).then().statusCode(204);

        given().auth().oauth2(TestTokens.admin(tenant)).get("/v1/endpoints/" + id).then().statusCode(404);
        given().auth().oauth2(TestTokens.admin(tenant)).delete("/v1/endpoints/" + id).then().statusCode(404);
        List<ConsumerRecord<String, String>> records = EndpointTopic.awaitRecords(id,
                found -> found.get(found.size() - 1).value() == null);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).value()).isNotNull();
    }

    @Test
    void shouldPageThroughEveryEndpointWithAnOpaqueCursor() {
        String tenant = newTenant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create(tenant, Map.of("url", "https://localhost/p" + i, "eventTypes", List.of("*"))).path("id"));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().auth().oauth2(TestTokens.admin(tenant)).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            ExtractableResponse<Response> page = request.get("/v1/endpoints").then().statusCode(200).extract();
            seen.addAll(page.path("data.id"));
            cursor = page.path("nextCursor");
            // The listing's first name for the cursor is still answered beside it.
            assertThat((String) page.path("next")).isEqualTo(cursor);
            if (cursor != null) {
                assertThat(page.header("Link")).contains("rel=\"next\"").contains("cursor=" + cursor);
                assertThat(cursor).doesNotContain("ep_");
            } else {
                assertThat(page.header("Link")).isNull();
            }
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(ids.stream().sorted().toList());
    }

    @Test
    void shouldAnswer400ForACursorItDidNotIssue() {
        given().auth().oauth2(TestTokens.admin(newTenant())).queryParam("cursor", "ep_123").get("/v1/endpoints").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("cursor"));
    }

    private static ExtractableResponse<Response> create(String tenant, Map<String, Object> body) {
        return given().auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON).body(body)
                .post("/v1/endpoints").then().statusCode(201).extract();
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID();
    }
}
