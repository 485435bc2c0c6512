package io.herald.ingest.event;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventMessage;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@ServiceTestResources
class BatchResourceTests {

    private static final String WRITER = TestTokens.token("batcher", Scopes.EVENTS_WRITE);

    @Test
    void shouldPublishTheValidItemsAndReportEachInvalidOneWith207() {
        String a = "evt-" + UUID.randomUUID();
        String c = "evt-" + UUID.randomUUID();
        String invalidId = "evt-" + UUID.randomUUID();
        String body = "{\"events\":[" + "{\"id\":\"" + a + "\",\"type\":\"order.created\",\"data\":{\"n\":1}},"
                + "{\"id\":\"" + invalidId + "\",\"type\":\"herald.endpoint.disabled\",\"data\":[]}," + "{\"id\":\"" + c
                + "\",\"type\":\"order.paid\",\"data\":{},\"orderingKey\":\"o-1\"}," + "\"not an object\","
                + "{\"type\":\"order.created\",\"data\":{}}" + "]}";

        ValidatableResponse response = post(WRITER, body).statusCode(207).contentType("application/json")
                .body("accepted", equalTo(3)).body("rejected", equalTo(2))
                .body("results.index", equalTo(List.of(0, 1, 2, 3, 4)))
                .body("results.status", equalTo(List.of(202, 400, 202, 400, 202))).body("results[0].id", equalTo(a))
                .body("results[0].errors", nullValue()).body("results[1].id", equalTo(invalidId))
                .body("results[1].type", equalTo("urn:herald:problem:validation"))
                .body("results[1].errors.field", equalTo(List.of("type", "data")))
                .body("results[3].errors[0].message", equalTo("must be a JSON object"));
        String generated = response.extract().path("results[4].id");

        assertThat(EventsTopic.find(a)).isPresent();
        assertThat(Json.read(EventsTopic.find(c).orElseThrow().value(), EventMessage.class).orderingKey())
                .isEqualTo("o-1");
        assertThat(EventsTopic.find(c).orElseThrow().key()).isEqualTo("o-1");
        assertThat(EventsTopic.find(generated)).isPresent();
        assertThat(EventsTopic.find(invalidId)).as("invalid items are not published").isEmpty();
    }

    @Test
    void shouldStampEveryItemWithTheTenantOfTheToken() {
        String id = "evt-" + UUID.randomUUID();
        post(WRITER, "{\"events\":[{\"id\":\"" + id + "\",\"tenant\":\"other\",\"type\":\"a.b\",\"data\":{}}]}")
                .statusCode(207).body("results[0].status", equalTo(202));

        assertThat(Json.read(EventsTopic.find(id).orElseThrow().value(), EventMessage.class).tenant())
                .isEqualTo("batcher");
    }

    @Test
    void shouldAcceptUpToTheMaximumAndRefuseOneMore() {
        post(WRITER, batchOf(100)).statusCode(207).body("accepted", equalTo(100));
        problem(post(WRITER, batchOf(101)), 400).body("errors[0].field", equalTo("events")).body("errors[0].message",
                containsString("got 101"));
    }

    @Test
    void shouldRefuseABodyThatIsNotABatch() {
        problem(post(WRITER, "{\"events\":[]}"), 400).body("errors[0].field", equalTo("events"));
        problem(post(WRITER, "{\"events\":{}}"), 400).body("errors[0].field", equalTo("events"));
        problem(post(WRITER, "[{\"type\":\"a.b\",\"data\":{}}]"), 400);
        problem(post(WRITER, "{\"events\":["), 400).body("detail", containsString("not valid JSON"));
    }

    @Test
    void shouldRefuseCallersWithoutTokenOrScope() {
        problem(given().contentType("application/json").body(batchOf(1)).post("/v1/events/batch").then(), 401);
        problem(post(TestTokens.token("batcher", Scopes.ENDPOINTS_WRITE), batchOf(1)), 403);
    }

    private static String batchOf(int n) {
        return IntStream.range(0, n).mapToObj(i -> "{\"type\":\"order.created\",\"data\":{\"i\":" + i + "}}")
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
    }

    private static ValidatableResponse post(String token, String body) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json").body(body)
                .post("/v1/events/batch").then();
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType(Problem.MEDIA_TYPE).body("status", equalTo(status));
    }
}
