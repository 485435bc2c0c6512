package io.herald.dispatch.delivery;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.TestKafka;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An endpoint whose every request fails for the whole window (shortened here to 1500 ms) is disabled, also when the
 * failing time started before this instance ran: retries carry it.
 */
@QuarkusTest
@TestProfile(AutoDisableTests.ShortWindow.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class AutoDisableTests {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    public static class ShortWindow implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.dispatch.auto-disable.failing-for-ms", "1500");
        }
    }

    @Inject
    RoutingTable table;

    @Test
    void shouldDisableAnEndpointThatKeepsFailingForTheWholeWindow() throws Exception {
        try (TestKafka kafka = TestKafka.connect();
                WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.respond(r -> Reply.status(500));
            EndpointState endpoint = endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                    .withDeliveryOptions(null, null, Collections.nCopies(30, 200L));
            kafka.publishEndpoint(endpoint);
            await("the endpoint is routed").atMost(TIMEOUT).until(() -> table.get(endpoint.id()).isPresent());

            kafka.publishEvent(event(endpoint.tenant(), "order.created"));

            await("the endpoint is disabled").atMost(TIMEOUT)
                    .until(() -> table.get(endpoint.id()).map(e -> !e.enabled()).orElse(false));
            EventMessage disabled = kafka.await(Topics.EVENTS, EventMessage.class,
                    e -> OperationalEvents.ENDPOINT_DISABLED.equals(e.type()) && endpoint.tenant().equals(e.tenant()),
                    1, TIMEOUT).get(0);
            assertThat(disabled.data().get("endpointId").asText()).isEqualTo(endpoint.id());
            assertThat(disabled.data().get("reason").asText()).startsWith("Every delivery failed since");
            assertThat(Duration.between(receiver.received().get(0).at(),
                    receiver.received().get(receiver.received().size() - 1).at()))
                            .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }
    }

    @Test
    void shouldStampEveryRetryWithSinceWhenItsEndpointHasBeenFailing() throws Exception {
        try (TestKafka kafka = TestKafka.connect();
                WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.respond(r -> Reply.status(500));
            EndpointState endpoint = endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                    .withDeliveryOptions(null, null, List.of(200L, 200L));
            kafka.publishEndpoint(endpoint);
            await("the endpoint is routed").atMost(TIMEOUT).until(() -> table.get(endpoint.id()).isPresent());
            EventMessage event = event(endpoint.tenant(), "order.created");
            String deliveryId = DeliveryMessage.deliveryId(event.id(), endpoint.id());

            kafka.publishEvent(event);

            List<DeliveryMessage> retries = kafka.await(Topics.retryTier("5s"), DeliveryMessage.class,
                    d -> deliveryId.equals(d.id()), 2, TIMEOUT);
            List<AttemptMessage> attempts = kafka.awaitAttempts(deliveryId, 2, TIMEOUT);
            Instant since = retries.get(0).failingSince();
            assertThat(since).isBetween(attempts.get(0).attemptedAt(), attempts.get(1).attemptedAt());
            assertThat(retries).extracting(DeliveryMessage::attempts).containsExactly(1, 2);
            assertThat(retries).extracting(DeliveryMessage::failingSince).containsExactly(since, since);
        }
    }

    @Test
    void shouldDisableAtItsFirstFailureAnEndpointWhoseRetrySaysItHasFailedForTheWholeWindow() throws Exception {
        try (TestKafka kafka = TestKafka.connect();
                WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.respond(r -> Reply.status(500));
            EndpointState endpoint = endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                    .withDeliveryOptions(null, null, Collections.nCopies(30, 200L));
            kafka.publishEndpoint(endpoint);
            await("the endpoint is routed").atMost(TIMEOUT).until(() -> table.get(endpoint.id()).isPresent());
            EventMessage event = event(endpoint.tenant(), "order.created");
            Instant since = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.MILLIS);

            // Handed off by an instance that saw the endpoint fail for 10 s and was then restarted: this instance has
            // never seen the endpoint fail, and learns it from the record.
            kafka.publishRetry("5s", DeliveryMessage.first(event, endpoint.id(), WebhookPayload.render(event), since)
                    .retryAt(Instant.now()).withFailingSince(since));

            await("the endpoint is disabled").atMost(TIMEOUT)
                    .until(() -> table.get(endpoint.id()).map(e -> !e.enabled()).orElse(false));
            EventMessage disabled = kafka.await(Topics.EVENTS, EventMessage.class,
                    e -> OperationalEvents.ENDPOINT_DISABLED.equals(e.type()) && endpoint.tenant().equals(e.tenant()),
                    1, TIMEOUT).get(0);
            assertThat(disabled.data().get("reason").asText()).isEqualTo("Every delivery failed since " + since);
            assertThat(receiver.received()).as("requests before the endpoint was disabled").hasSize(1);
        }
    }
}
