package io.herald.dispatch.operational;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.signing.WebhookVerifier;
import io.herald.dispatch.TestKafka;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * On the real broker: a tenant's endpoint subscribed to {@code herald.*} hears, signed and through the normal pipeline,
 * that another endpoint of the tenant started failing (its breaker opened after the test profile's 3 failures in a
 * row), that a delivery to it became a dead letter, that it recovered, and that it was disabled (it answered 410 Gone);
 * another tenant hears nothing of it.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class OperationalEventsTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    @Inject
    RoutingTable table;

    @Test
    void shouldTellTheTenantsHeraldSubscriberThatAnEndpointFailedDeadLetteredAndRecovered() throws Exception {
        try (TestKafka kafka = TestKafka.connect();
                WebhookReceiver operations = WebhookReceiver.start();
                WebhookReceiver failingReceiver = WebhookReceiver.start();
                WebhookReceiver otherTenant = WebhookReceiver.start()) {
            String tenant = tenant();
            String operationsSecret = secret();
            EndpointState listener = endpoint(tenant, operations.url("/ops"), List.of("herald.*"), operationsSecret);
            // Three tries in all (two retries), so the third failure both opens the breaker and exhausts the delivery.
            EndpointState failing = endpoint(tenant, failingReceiver.url("/orders"), List.of("order.*"), secret())
                    .withDeliveryOptions(null, null, List.of(100L, 100L));
            EndpointState stranger = endpoint(tenant(), otherTenant.url("/ops"), List.of("herald.*"), secret());
            route(kafka, listener, failing, stranger);

            failingReceiver.respond(r -> Reply.status(500));
            kafka.publishEvent(event(tenant, "order.created"));
            List<Received> told = awaitTypes(operations,
                    Set.of(OperationalEvents.ENDPOINT_FAILING, OperationalEvents.DEAD_LETTER_CREATED));

            failingReceiver.respond(r -> Reply.status(200));
            kafka.publishEvent(event(tenant, "order.created"));
            told = awaitTypes(operations, Set.of(OperationalEvents.ENDPOINT_FAILING,
                    OperationalEvents.DEAD_LETTER_CREATED, OperationalEvents.ENDPOINT_RECOVERED));
            Thread.sleep(2_000);

            assertThat(failingReceiver.received()).as("3 failed tries, then the recovering delivery").hasSize(4);
            assertThat(operations.received()).as("one event of each type, nothing else").hasSize(3);
            for (Received webhook : told) {
                JsonNode body = Json.mapper().readTree(webhook.body());
                assertThatCode(() -> WebhookVerifier.of(operationsSecret).verify(webhook.body(), webhook.headers()))
                        .as("signature of %s", body.path("type").asText()).doesNotThrowAnyException();
                assertThat(body.path("data").path("endpointId").asText()).isEqualTo(failing.id());
                assertThat(webhook.header(WebhookHeaders.ID)).startsWith("evt_");
            }
            JsonNode failingData = data(told, OperationalEvents.ENDPOINT_FAILING);
            assertThat(failingData.path("lastError").asText()).isEqualTo("HTTP 500");
            assertThat(failingData.path("probeAfterMs").asLong()).isEqualTo(1500);
            assertThat(failingData.hasNonNull("failingSince")).isTrue();
            JsonNode deadLetter = data(told, OperationalEvents.DEAD_LETTER_CREATED);
            assertThat(deadLetter.path("count").asInt()).isEqualTo(1);
            assertThat(deadLetter.path("reason").asText()).isEqualTo("EXHAUSTED");
            assertThat(deadLetter.path("lastStatusCode").asInt()).isEqualTo(500);
            assertThat(deadLetter.path("eventType").asText()).isEqualTo("order.created");
            JsonNode recovered = data(told, OperationalEvents.ENDPOINT_RECOVERED);
            assertThat(recovered.path("failingSince").asText()).isEqualTo(failingData.path("failingSince").asText());
            assertThat(at(told, OperationalEvents.ENDPOINT_RECOVERED))
                    .isAfter(at(told, OperationalEvents.ENDPOINT_FAILING));
            assertThat(otherTenant.received()).as("another tenant's herald.* endpoint").isEmpty();
        }
    }

    @Test
    void shouldTellTheTenantsHeraldSubscriberSignedThatAnEndpointAnsweringGoneWasDisabled() throws Exception {
        try (TestKafka kafka = TestKafka.connect();
                WebhookReceiver operations = WebhookReceiver.start();
                WebhookReceiver goneReceiver = WebhookReceiver.start();
                WebhookReceiver otherTenant = WebhookReceiver.start()) {
            String tenant = tenant();
            String operationsSecret = secret();
            EndpointState listener = endpoint(tenant, operations.url("/ops"), List.of("herald.*"), operationsSecret);
            EndpointState gone = endpoint(tenant, goneReceiver.url("/orders"), List.of("order.*"), secret());
            EndpointState stranger = endpoint(tenant(), otherTenant.url("/ops"), List.of("herald.*"), secret());
            route(kafka, listener, gone, stranger);

            goneReceiver.respond(r -> Reply.status(410));
            kafka.publishEvent(event(tenant, "order.created"));
            awaitTypes(operations, Set.of(OperationalEvents.ENDPOINT_DISABLED));
            // Room for a duplicate, or a leak to the other tenant, to show up.
            Thread.sleep(2_000);

            assertThat(table.get(gone.id())).hasValueSatisfying(e -> assertThat(e.enabled()).isFalse());
            assertThat(goneReceiver.received()).as("the one request answered 410").hasSize(1);
            List<Received> told = operations.received().stream()
                    .filter(r -> OperationalEvents.ENDPOINT_DISABLED.equals(type(r))).toList();
            assertThat(told).as("herald.endpoint.disabled webhooks").hasSize(1);
            Received webhook = told.get(0);
            assertThat(webhook.path()).isEqualTo("/ops");
            assertThatCode(() -> WebhookVerifier.of(operationsSecret).verify(webhook.body(), webhook.headers()))
                    .as("signature with the listener's secret").doesNotThrowAnyException();
            assertThatThrownBy(() -> WebhookVerifier.of(secret()).verify(webhook.body(), webhook.headers()))
                    .as("signature with another secret").isInstanceOf(Exception.class);
            assertThat(webhook.header(WebhookHeaders.ID))
                    .isEqualTo("evt_disabled_" + gone.id() + "_v" + gone.version());
            JsonNode body = Json.mapper().readTree(webhook.body());
            assertThat(body.path("type").asText()).isEqualTo(OperationalEvents.ENDPOINT_DISABLED);
            JsonNode data = body.path("data");
            assertThat(data.path("endpointId").asText()).isEqualTo(gone.id());
            assertThat(data.path("reason").asText()).isEqualTo("HTTP 410 Gone");
            assertThat(data.hasNonNull("disabledAt")).isTrue();
            assertThat(otherTenant.received()).as("another tenant's herald.* endpoint").isEmpty();
        }
    }

    /** Waits until the receiver got a webhook of each type; answers them all. */
    /** Publishes the endpoints' states and waits until dispatch routes every one of them. */
    private void route(TestKafka kafka, EndpointState... endpoints) {
        for (EndpointState e : endpoints) {
            kafka.publishEndpoint(e);
        }
        await("the endpoints are routed").atMost(TIMEOUT)
                .until(() -> Arrays.stream(endpoints).allMatch(e -> table.get(e.id()).isPresent()));
    }

    private static List<Received> awaitTypes(WebhookReceiver receiver, Set<String> types) {
        await("webhooks of types " + types).atMost(TIMEOUT).until(() -> types(receiver.received()).containsAll(types));
        return receiver.received();
    }

    private static Set<String> types(List<Received> received) {
        return received.stream().map(r -> type(r)).collect(Collectors.toSet());
    }

    private static String type(Received webhook) {
        try {
            return Json.mapper().readTree(webhook.body()).path("type").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private static JsonNode data(List<Received> told, String type) throws Exception {
        Received webhook = told.stream().filter(r -> type.equals(type(r))).findFirst().orElseThrow();
        return Json.mapper().readTree(webhook.body()).path("data");
    }

    private static Instant at(List<Received> told, String type) {
        return told.stream().filter(r -> type.equals(type(r))).findFirst().orElseThrow().at();
    }
}
