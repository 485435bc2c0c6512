package io.herald.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

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
import io.herald.devstack.HeraldTopics;
import io.herald.devstack.KafkaBroker;
import io.herald.devstack.PostgresConnection;
import io.herald.devstack.PostgresServer;
import io.herald.devstack.ServiceEnv;
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

    /** The admin clients that set up the stack print their whole configuration at INFO; services log to files. */
    private static final Logger KAFKA_CLIENT_LOG = quiet("org.apache.kafka");

    private static final Path WORK = Path.of("target", "e2e").toAbsolutePath();
    private static KafkaBroker kafka;
    private static PostgresServer postgres;
    private static String database;
    private static final List<ServiceProcess> services = new ArrayList<>();
    private static ServiceProcess ingest;
    private static ServiceProcess subscription;
    private static ServiceProcess dispatch;
    private static WebhookReceiver receiver;

    private static Logger quiet(String category) {
        Logger logger = Logger.getLogger(category);
        logger.setLevel(Level.WARNING);
        return logger;
    }

    @BeforeAll
    static void startStack() {
        List<String> missing = ServiceEnv.START_ORDER.stream().map(ServiceProcess::jarOf).filter(j -> !Files.exists(j))
                .map(Path::toString).toList();
        assertThat(missing).as("The end-to-end tests run the packaged services and build nothing themselves. Missing"
                + " jars; package first, e.g. ./mvnw -B verify from the root, or ./mvnw -B -DskipTests package -pl"
                + " ingest-service,subscription-service,dispatch-service -am").isEmpty();

        String run = UUID.randomUUID().toString().substring(0, 8);
        kafka = KafkaBroker.create(WORK.resolve("kafka-" + run)).start();
        HeraldTopics.create(kafka.bootstrapServers(), 3);
        postgres = PostgresServer.forTests(WORK.resolve("postgres"));
        database = "herald_e2e_" + run;
        PostgresConnection db = postgres.ensureDatabase(database);
        receiver = WebhookReceiver.start();

        ServiceEnv env = new ServiceEnv(kafka.bootstrapServers(), db, TestTokens.SECRET);
        for (String module : ServiceEnv.START_ORDER) {
            ServiceProcess service = ServiceProcess.builder(module).env(env.envFor(module))
                    .logFile(WORK.resolve("logs-" + run).resolve(module + ".log")).build();
            services.add(service);
            service.start();
        }
        subscription = services.get(ServiceEnv.START_ORDER.indexOf(ServiceEnv.SUBSCRIPTION));
        ingest = services.get(ServiceEnv.START_ORDER.indexOf(ServiceEnv.INGEST));
        dispatch = services.get(ServiceEnv.START_ORDER.indexOf(ServiceEnv.DISPATCH));
        services.forEach(s -> System.out.printf(Locale.ROOT, "e2e: %s on %s, pid %d, RSS %d MB, log %s%n", s.name(),
                s.baseUrl(), s.pid(), s.rssBytes() >> 20, s.logFile()));
        System.out.printf(Locale.ROOT, "e2e: Kafka on %s, pid %d, RSS %d MB%n", kafka.bootstrapServers(), kafka.pid(),
                kafka.rssBytes() >> 20);
    }

    @AfterAll
    static void stopStack() {
        if (receiver != null) {
            receiver.close();
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            if (database != null) {
                postgres.dropDatabase(database);
            }
            postgres.close();
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

    private static void awaitAt(String path, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(DELIVERY_TIMEOUT);
        while (receivedAt(path).size() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Expected " + count + " webhook(s) at " + path + " within " + DELIVERY_TIMEOUT
                        + ", got " + receivedAt(path).size() + "; dispatch log: " + dispatch.logFile());
            }
            Thread.sleep(100);
        }
    }
}
