package io.herald.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Event types, schemas and filters across the packaged services, only through their HTTP APIs: a schema registered at
 * subscription is enforced by ingest, an unregistered type follows the tenant's policy, and an endpoint filter lets
 * exactly the matching events of a mixed stream through.
 */
class EventTypesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final Path WORK = Path.of("target", "e2e-event-types").toAbsolutePath();
    private static final Map<String, Object> ORDER_SCHEMA = Map.of("type", "object", "required",
            List.of("orderId", "amount"), "properties",
            Map.of("orderId", Map.of("type", "string"), "amount", Map.of("type", "integer", "minimum", 0)));

    private static ServiceStack stack;
    private static ServiceProcess ingest;
    private static ServiceProcess subscription;
    private static ServiceProcess dispatch;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startStack() {
        stack = ServiceStack.start(WORK, PostgresServer.forTests(WORK.resolve("postgres")), "herald_e2e_types",
                Map.of());
        ingest = stack.ingest();
        subscription = stack.subscription();
        dispatch = stack.dispatch();
        receiver = stack.receiver();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRefuseASchemaViolationWithItsPointersAndDeliverAValidEvent() throws Exception {
        String tenant = "tenant-schema";
        String token = TestTokens.admin(tenant);
        given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", "order.created", "schema", ORDER_SCHEMA)).when().post("/v1/event-types").then()
                .statusCode(201);
        // Probes accepted before ingest read the schema go nowhere: the endpoint is registered afterwards.
        awaitStatus(token, "{\"type\":\"order.created\",\"data\":{\"orderId\":7,\"amount\":-1}}", 422)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("/data/orderId", "/data/amount"));
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/hooks/schema"), "eventTypes", List.of("order.*"))).when()
                .post("/v1/endpoints").then().statusCode(201);
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 1, TIMEOUT);
        String id = post(token, "{\"type\":\"order.created\",\"data\":{\"orderId\":\"o1\",\"amount\":5}}")
                .statusCode(202).extract().path("id");

        awaitAt("/hooks/schema", 1);
        Thread.sleep(SETTLE.toMillis());
        assertThat(receivedAt("/hooks/schema")).extracting(r -> r.header(WebhookHeaders.ID)).containsExactly(id);
    }

    @Test
    void shouldAcceptUnregisteredTypesUnlessTheTenantRejectsThem() {
        String tenant = "tenant-policy";
        String token = TestTokens.admin(tenant);
        post(token, "{\"type\":\"invoice.paid\",\"data\":{}}").statusCode(202);

        given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("unregisteredEventTypes", "reject")).when().patch("/v1/settings").then().statusCode(200);
        awaitStatus(token, "{\"type\":\"invoice.paid\",\"data\":{}}", 422).body("errors[0].field", equalTo("type"));
        // Another tenant keeps the default.
        post(TestTokens.admin("tenant-policy-other"), "{\"type\":\"invoice.paid\",\"data\":{}}").statusCode(202);
    }

    @Test
    void shouldDeliverToAFilteredEndpointExactlyTheMatchingEventsOfAMixedStream() throws Exception {
        String tenant = "tenant-filter";
        String token = TestTokens.admin(tenant);
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/hooks/big"), "eventTypes", List.of("order.*"), "filter",
                        "type == \"order.created\" && data.amount > 1000"))
                .when().post("/v1/endpoints").then().statusCode(201);
        given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/hooks/all"), "eventTypes", List.of("order.*"))).when()
                .post("/v1/endpoints").then().statusCode(201);
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 2, TIMEOUT);

        List<String> matching = new ArrayList<>();
        String[][] stream = { { "order.created", "{\"amount\":4200}", "yes" },
                { "order.created", "{\"amount\":10}", "" }, { "order.updated", "{\"amount\":9000}", "" },
                { "order.created", "{\"note\":\"no amount\"}", "" }, { "order.created", "{\"amount\":1001}", "yes" } };
        for (String[] event : stream) {
            String id = post(token, "{\"type\":\"" + event[0] + "\",\"data\":" + event[1] + "}").statusCode(202)
                    .extract().path("id");
            if (!event[2].isEmpty()) {
                matching.add(id);
            }
        }

        awaitAt("/hooks/all", stream.length);
        awaitAt("/hooks/big", matching.size());
        Thread.sleep(SETTLE.toMillis());
        assertThat(receivedAt("/hooks/big")).extracting(r -> r.header(WebhookHeaders.ID))
                .containsExactlyInAnyOrderElementsOf(matching);
    }

    private static ValidatableResponse post(String token, String body) {
        return given().baseUri(ingest.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON).body(body).when()
                .post("/v1/events").then();
    }

    /** A catalog change reaches ingest through Kafka: retries until the answer has {@code status}. */
    private static ValidatableResponse awaitStatus(String token, String body, int status) {
        Instant deadline = Instant.now().plus(TIMEOUT);
        ValidatableResponse response = post(token, body);
        while (response.extract().statusCode() != status && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            response = post(token, body);
        }
        return response.statusCode(status);
    }

    private static List<Received> receivedAt(String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)).toList();
    }

    private static void awaitAt(String path, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (receivedAt(path).size() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Expected " + count + " webhook(s) at " + path + " within " + TIMEOUT
                        + ", got " + receivedAt(path).size() + "; dispatch log: " + dispatch.logFile());
            }
            Thread.sleep(100);
        }
    }
}
