package io.herald.ingest.event;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventMessage;
import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;
import io.herald.kit.problem.Problem;
import io.herald.testing.ChunkedUpload;
import io.herald.testing.ServiceTestResources;
import io.herald.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@ServiceTestResources
class EventResourceTests {

    @TestHTTPResource("/")
    URI base;

    private static final String TENANT = "acme";
    private static final String WRITER = TestTokens.token(TENANT, Scopes.EVENTS_WRITE);

    @Test
    void shouldPublishTheDataWithEveryNumberAsTheProducerWroteIt() {
        String id = "evt-" + UUID.randomUUID();
        String data = "{\"a\":0.1000000000000000000001,\"b\":1.50,\"c\":1e400,\"d\":-0,\"e\":[2.5E-3,-1e-400],"
                + "\"f\":123456789012345678901234567890.000}";

        post(WRITER, "{\"id\":\"" + id + "\",\"type\":\"order.created\",\"data\":" + data + "}").statusCode(202);

        // The raw record: the bytes dispatch renders the webhook body from.
        String record = EventsTopic.find(id).orElseThrow().value();
        assertThat(record).contains("\"data\":" + data + ",").doesNotContain("Infinity");
        EventMessage event = Json.read(record, EventMessage.class);
        assertThat(Json.write(event.data())).isEqualTo(data);
    }

    @Test
    void shouldRefuseANumberItCannotKeepExactly() {
        post(WRITER, "{\"type\":\"order.created\",\"data\":{\"x\":1e99999999999}}").statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void shouldAnswer202WithTheIdOnlyOnceTheEventIsInKafka() {
        String id = "evt-" + UUID.randomUUID();
        Instant before = Instant.now();

        post(WRITER, "{\"id\":\"" + id + "\",\"type\":\"order.created\",\"data\":{\"orderId\":42,\"lines\":[1,2]}}")
                .statusCode(202).contentType("application/json").body("id", equalTo(id));

        // Read right after the answer, without waiting: a 202 promises the broker already has the record.
        ConsumerRecord<String, String> record = EventsTopic.find(id).orElseThrow();
        assertThat(record.key()).as("key without ordering key").isEqualTo(id);
        EventMessage event = Json.read(record.value(), EventMessage.class);
        assertThat(event.schemaVersion()).isEqualTo(EventMessage.SCHEMA_VERSION);
        assertThat(event.tenant()).isEqualTo(TENANT);
        assertThat(event.type()).isEqualTo("order.created");
        assertThat(event.data()).isEqualTo(Json.read("{\"orderId\":42,\"lines\":[1,2]}", JsonNode.class));
        assertThat(event.orderingKey()).isNull();
        assertThat(event.receivedAt()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(event.occurredAt()).as("occurredAt defaults to receipt").isEqualTo(event.receivedAt());
    }

    @Test
    void shouldGenerateAnIdWhenTheProducerGivesNone() {
        String id = post(WRITER, "{\"type\":\"order.created\",\"data\":{}}").statusCode(202)
                .body("id", matchesPattern("evt_[0-9A-HJKMNP-TV-Z]{26}")).extract().path("id");

        assertThat(EventsTopic.find(id)).as("the generated id is the one published").isPresent();
    }

    @Test
    void shouldKeyTheRecordByOrderingKeySoThatItsEventsShareAPartition() {
        String orderingKey = "order-" + UUID.randomUUID();
        String first = post(WRITER, "{\"type\":\"order.created\",\"data\":{},\"orderingKey\":\"" + orderingKey + "\"}")
                .statusCode(202).extract().path("id");
        String second = post(WRITER, "{\"type\":\"order.paid\",\"data\":{},\"orderingKey\":\"" + orderingKey + "\"}")
                .statusCode(202).extract().path("id");

        ConsumerRecord<String, String> a = EventsTopic.find(first).orElseThrow();
        ConsumerRecord<String, String> b = EventsTopic.find(second).orElseThrow();
        assertThat(a.key()).isEqualTo(orderingKey);
        assertThat(b.key()).isEqualTo(orderingKey);
        assertThat(b.partition()).isEqualTo(a.partition());
        assertThat(b.offset()).as("published in the order they were accepted").isGreaterThan(a.offset());
        assertThat(Json.read(a.value(), EventMessage.class).orderingKey()).isEqualTo(orderingKey);
    }

    @Test
    void shouldKeepTheProducersOccurrenceTime() {
        String id = "evt-" + UUID.randomUUID();
        post(WRITER,
                "{\"id\":\"" + id
                        + "\",\"type\":\"order.created\",\"data\":{},\"occurredAt\":\"2026-01-01T12:00:00+02:00\"}")
                                .statusCode(202);

        EventMessage event = Json.read(EventsTopic.find(id).orElseThrow().value(), EventMessage.class);
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
    }

    @Test
    void shouldTakeTheTenantFromTheTokenNotFromTheBody() {
        String id = "evt-" + UUID.randomUUID();
        post(TestTokens.token("globex", Scopes.EVENTS_WRITE),
                "{\"id\":\"" + id + "\",\"tenant\":\"acme\",\"type\":\"order.created\",\"data\":{}}").statusCode(202);

        assertThat(Json.read(EventsTopic.find(id).orElseThrow().value(), EventMessage.class).tenant())
                .isEqualTo("globex");
    }

    @Test
    void shouldAnswer401WithoutAToken() {
        problem(given().contentType("application/json").body("{\"type\":\"order.created\",\"data\":{}}")
                .post("/v1/events").then(), 401);
    }

    @Test
    void shouldAnswer401ForATokenSignedWithAnotherSecret() {
        String forged = TokenMinter.hs256("another-secret-that-is-long-enough-0123456789", TENANT,
                Set.of(Scopes.EVENTS_WRITE), Duration.ofHours(1));
        problem(post(forged, "{\"type\":\"order.created\",\"data\":{}}"), 401);
    }

    @Test
    void shouldAnswer403AndPublishNothingForATokenWithoutEventsWrite() {
        String id = "evt-" + UUID.randomUUID();
        problem(post(TestTokens.token(TENANT, Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE),
                "{\"id\":\"" + id + "\",\"type\":\"order.created\",\"data\":{}}"), 403).body("detail",
                        containsString(Scopes.EVENTS_WRITE));

        assertThat(EventsTopic.find(id)).isEmpty();
    }

    @Test
    void shouldRefuseAnEventWithoutType() {
        invalid("{\"data\":{}}", "type").body("errors[0].message", equalTo("is required"));
    }

    @Test
    void shouldRefuseAMalformedType() {
        invalid("{\"type\":\"order created!\",\"data\":{}}", "type");
        invalid("{\"type\":\"order\",\"data\":{}}", "type");
        invalid("{\"type\":\"order..created\",\"data\":{}}", "type");
        invalid("{\"type\":\"o." + "x".repeat(200) + "\",\"data\":{}}", "type");
        invalid("{\"type\":42,\"data\":{}}", "type").body("errors[0].message", equalTo("must be a string"));
    }

    @Test
    void shouldRefuseHeraldTypesFromProducersAndPublishNothing() {
        String id = "evt-" + UUID.randomUUID();
        invalid("{\"id\":\"" + id + "\",\"type\":\"herald.endpoint.disabled\",\"data\":{}}", "type")
                .body("errors[0].message", containsString("reserved"));
        invalid("{\"type\":\"Herald.endpoint.disabled\",\"data\":{}}", "type");

        assertThat(EventsTopic.find(id)).isEmpty();
    }

    @Test
    void shouldRefuseMissingData() {
        invalid("{\"type\":\"order.created\"}", "data").body("errors[0].message", equalTo("is required"));
        invalid("{\"type\":\"order.created\",\"data\":null}", "data");
    }

    @Test
    void shouldRefuseDataThatIsNotAJsonObject() {
        for (String data : new String[] { "[1,2]", "\"text\"", "42", "true" }) {
            invalid("{\"type\":\"order.created\",\"data\":" + data + "}", "data").body("errors[0].message",
                    equalTo("must be a JSON object"));
        }
    }

    @Test
    void shouldRefuseAnInvalidId() {
        invalid("{\"id\":\"has space\",\"type\":\"order.created\",\"data\":{}}", "id");
        invalid("{\"id\":\"" + "a".repeat(65) + "\",\"type\":\"order.created\",\"data\":{}}", "id");
        invalid("{\"id\":\"\",\"type\":\"order.created\",\"data\":{}}", "id");
    }

    @Test
    void shouldRefuseAnOrderingKeyLongerThan256Characters() {
        invalid("{\"orderingKey\":\"" + "k".repeat(257) + "\",\"type\":\"order.created\",\"data\":{}}", "orderingKey");
    }

    @Test
    void shouldRefuseAnOccurredAtThatIsNotAnIsoTimestampWithOffset() {
        invalid("{\"type\":\"order.created\",\"data\":{},\"occurredAt\":\"yesterday\"}", "occurredAt");
        invalid("{\"type\":\"order.created\",\"data\":{},\"occurredAt\":\"2026-01-01T12:00:00\"}", "occurredAt");
        invalid("{\"type\":\"order.created\",\"data\":{},\"occurredAt\":1767261600}", "occurredAt");
    }

    @Test
    void shouldNameEveryInvalidFieldAtOnce() {
        problem(post(WRITER, "{\"type\":\"herald.x\",\"data\":[],\"id\":\"a b\",\"occurredAt\":\"soon\"}"), 400)
                .body("errors.field", equalTo(java.util.List.of("type", "data", "id", "occurredAt")));
    }

    @Test
    void shouldRefuseMalformedJson() {
        problem(post(WRITER, "{\"type\":\"order.created\",\"data\":{"), 400).body("detail",
                startsWith("The body is not valid JSON"));
    }

    @Test
    void shouldRefuseABodyThatIsNotAJsonObject() {
        problem(post(WRITER, "[{\"type\":\"order.created\",\"data\":{}}]"), 400).body("detail",
                containsString("must be a JSON object"));
        problem(post(WRITER, ""), 400).body("detail", containsString("must be a JSON object"));
    }

    @Test
    void shouldCutOffAnOversizedChunkedBodyWhileReadingIt() throws Exception {
        // No Content-Length to refuse up front: Quarkus must stop reading at the limit, not buffer the whole body.
        assertThat(ChunkedUpload.statusLine(base, "POST", "/v1/events", WRITER, "application/json"))
                .isEqualTo("HTTP/1.1 413 Request Entity Too Large");
    }

    @Test
    void shouldAnswer413ForABodyOverTheLimit() {
        String body = "{\"type\":\"order.created\",\"data\":{\"blob\":\"" + "x".repeat(300 * 1024) + "\"}}";
        problem(post(WRITER, body), 413).body("detail", containsString("262144"));
    }

    @Test
    void shouldAcceptABodyJustUnderTheLimit() {
        String prefix = "{\"type\":\"order.created\",\"data\":{\"blob\":\"";
        String suffix = "\"}}";
        String body = prefix + "x".repeat(256 * 1024 - prefix.length() - suffix.length()) + suffix;
        post(WRITER, body).statusCode(202);
    }

    @Test
    void shouldAnswer415ForABodyThatIsNotDeclaredJson() {
        problem(given().header("Authorization", "Bearer " + WRITER).contentType("text/plain")
                .body("{\"type\":\"order.created\",\"data\":{}}").post("/v1/events").then(), 415);
    }

    private static ValidatableResponse post(String token, String body) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json").body(body)
                .post("/v1/events").then();
    }

    private static ValidatableResponse invalid(String body, String field) {
        return problem(post(WRITER, body), 400).body("errors.field", hasItem(field)).body("errors.size()", equalTo(1));
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType(Problem.MEDIA_TYPE).body("status", equalTo(status)).body("title",
                org.hamcrest.Matchers.notNullValue());
    }
}
