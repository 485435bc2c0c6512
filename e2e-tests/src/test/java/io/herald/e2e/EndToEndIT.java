package io.herald.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceProcess;
import io.herald.testing.TestTokens;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The whole platform as it runs in production: a real Kafka broker process, PostgreSQL, and the three packaged services
 * as separate JVMs wired only by their environment. A subscriber registers an endpoint, a producer posts an event, and
 * the subscriber's server receives it signed. Nothing here is built: the jars come from the reactor's package phase.
 */
class EndToEndIT {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** After the expected webhooks arrived, how long extra (duplicate or misrouted) ones get to show up. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final String TENANT = "tenant-e2e";

    private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();
    private static ServiceStack stack;
    private static ServiceProcess ingest;
    private static ServiceProcess subscription;
    private static ServiceProcess dispatch;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startStack() {
        stack = ServiceStack.start(WORK, PostgresServer.forTests(WORK.resolve("postgres")), "herald_e2e", Map.of());
        ingest = stack.ingest();
        subscription = stack.subscription();
        dispatch = stack.dispatch();
        stack.printProcesses("e2e");
        receiver = stack.receiver();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldDeliverAPostedEventAsASignedWebhookToTheSubscribedEndpoint() throws Exception {
        String token = TestTokens.admin(TENANT);
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        Response created = given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/hooks/orders"), "eventTypes", List.of("order.*"))).when()
                .post("/v1/endpoints").then().statusCode(201).extract().response();
        String secret = created.path("secret");
        assertThat(secret).startsWith("whsec_");
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 1, DELIVERY_TIMEOUT);

        ObjectNode data = Json.mapper().createObjectNode();
        data.put("orderId", "ord_1001").put("amount", 4200).put("note", "café ☕ \"quoted\" <b>&</b>");
        data.putArray("items").addObject().put("sku", "A-1").put("quantity", 2);
        data.putNull("coupon");
        String occurredAt = "2026-01-02T03:04:05Z";
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "order.created");
        event.put("data", data);
        event.put("occurredAt", occurredAt);
        String eventId = given().baseUri(ingest.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Json.write(event)).when().post("/v1/events").then().statusCode(202).extract().path("id");
        assertThat(eventId).isNotBlank();

        receiver.await(1, DELIVERY_TIMEOUT);
        Thread.sleep(SETTLE.toMillis());
        List<Received> webhooks = receivedAt("/hooks/orders");
        assertThat(webhooks).as("webhooks for one event and one endpoint").hasSize(1);
        Received webhook = webhooks.get(0);

        assertThat(webhook.method()).isEqualTo("POST");
        assertThat(webhook.header("content-type")).startsWith("application/json");
        JsonNode body = Json.mapper().readTree(webhook.body());
        assertThat(body.path("type").asText()).isEqualTo("order.created");
        assertThat(Instant.parse(body.path("timestamp").asText())).isEqualTo(Instant.parse(occurredAt));
        assertThat(body.get("data")).isEqualTo(data);
        assertThat(body.size()).as("fields of the payload: type, timestamp, data").isEqualTo(3);
        assertThat(webhook.body()).as("the exact bytes WebhookPayload renders")
                .isEqualTo(WebhookPayload.render(EventMessage.of(eventId, TENANT, "order.created", data, null,
                        Instant.parse(occurredAt), Instant.now())));

        assertThat(webhook.header(WebhookHeaders.ID)).isEqualTo(eventId);
        assertThatCode(() -> WebhookVerifier.of(secret).verify(webhook.body(), webhook.headers()))
                .as("signature check with the endpoint's secret").doesNotThrowAnyException();
    }

    @Test
    void shouldDeliverAnEventPostedTheMomentItsEndpointWasCreated() throws Exception {
        // As a script does it: create, then publish at once, without waiting for dispatch to hear of the endpoint.
        String tenant = "tenant-e2e-at-once";
        String token = TestTokens.admin(tenant);
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("url", receiver.url("/hooks/at-once/" + i), "eventTypes", List.of("signup.*"))).when()
                    .post("/v1/endpoints").then().statusCode(201);
            eventIds.add(given().baseUri(ingest.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("type", "signup.completed", "data", Map.of("n", i))).when().post("/v1/events").then()
                    .statusCode(202).extract().path("id"));
        }

        // Endpoint i existed when events i..4 were posted: 5 + 4 + 3 + 2 + 1 webhooks.
        await("15 webhooks at /hooks/at-once/*").atMost(DELIVERY_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(
                () -> receiver.received().stream().filter(r -> r.path().startsWith("/hooks/at-once/")).count(),
                greaterThanOrEqualTo(15L));
        Thread.sleep(SETTLE.toMillis());
        for (int i = 0; i < 5; i++) {
            assertThat(receivedAt("/hooks/at-once/" + i)).extracting(r -> r.header(WebhookHeaders.ID))
                    .as("endpoint %d", i).containsExactlyInAnyOrderElementsOf(eventIds.subList(i, 5));
        }
    }

    @Test
    void shouldDeliverTheDataBytesAsPostedAndKeepEndpointSecretsOffKafkaInClear() throws Exception {
        String token = TestTokens.admin(TENANT);
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        given().baseUri(subscription.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url("/hooks/exact"), "eventTypes", List.of("ledger.*"), "headers",
                        Map.of("Authorization", "Bearer e2e-receiver-credential")))
                .when().post("/v1/endpoints").then().statusCode(201);
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 1, DELIVERY_TIMEOUT);
        String data = "{\"a\":0.1000000000000000000001,\"b\":1.50,\"c\":1e400,\"d\":-0,\"e\":[2.5E-3]}";

        given().baseUri(ingest.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"type\":\"ledger.posted\",\"data\":" + data + "}").when().post("/v1/events").then()
                .statusCode(202);

        awaitAt("/hooks/exact", 1);
        Received webhook = receivedAt("/hooks/exact").get(0);
        assertThat(webhook.body()).as("the posted data, byte for byte").endsWith(",\"data\":" + data + "}");
        // The header value was sealed on herald.endpoints and opened by dispatch.
        assertThat(webhook.header("authorization")).isEqualTo("Bearer e2e-receiver-credential");
    }

    @Test
    void shouldDeliverOnlyMatchingTypesAndOnlyToTheProducingTenantsEndpoints() throws Exception {
        double endpointsBefore = DispatchRouting.endpoints(dispatch);
        register(TENANT, "/hooks/invoices", "invoice.*");
        register("tenant-other", "/hooks/other-tenant", "invoice.*");
        DispatchRouting.awaitEndpoints(dispatch, endpointsBefore + 2, DELIVERY_TIMEOUT);

        String token = TestTokens.admin(TENANT);
        publish(token, "shipment.sent");
        String paidId = publish(token, "invoice.paid");

        awaitAt("/hooks/invoices", 1);
        Thread.sleep(SETTLE.toMillis());
        assertThat(receivedAt("/hooks/invoices")).extracting(r -> r.header(WebhookHeaders.ID))
                .as("only the subscribed type reaches the endpoint").containsExactly(paidId);
        assertThat(receivedAt("/hooks/other-tenant")).as("another tenant's endpoint").isEmpty();
    }

    private static void register(String tenant, String path, String eventType) {
        given().baseUri(subscription.baseUrl()).auth().oauth2(TestTokens.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("url", receiver.url(path), "eventTypes", List.of(eventType))).when().post("/v1/endpoints")
                .then().statusCode(201);
    }

    private static String publish(String token, String type) {
        return given().baseUri(ingest.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("type", type, "data", Map.of("n", 1))).when().post("/v1/events").then().statusCode(202)
                .extract().path("id");
    }

    private static List<Received> receivedAt(String path) {
        return receiver.received().stream().filter(r -> r.path().equals(path)).toList();
    }

    private static void awaitAt(String path, int count) {
        await("webhooks at " + path + " (dispatch log: " + dispatch.logFile() + ")").atMost(DELIVERY_TIMEOUT)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> receivedAt(path).size(), greaterThanOrEqualTo(count));
    }
}
