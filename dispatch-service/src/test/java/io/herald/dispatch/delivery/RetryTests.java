package io.herald.dispatch.delivery;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Outcome classification and durable retries through the retry tier topics (the test profile's schedule: 200 ms, then
 * 400 ms, each plus or minus 20 %; a 1500 ms request deadline).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class RetryTests extends DeliveryTestBase {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldRetryWithTheSameWebhookIdSpacedPerTheSchedule() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.respond(r -> calls.incrementAndGet() <= 2 ? Reply.status(500) : Reply.status(204));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        List<Received> received = receiver.await(3, TIMEOUT);
        assertThat(received).extracting(r -> r.header(WebhookHeaders.ID)).containsOnly(event.id());
        // Never earlier than the schedule. The upper bound is loose: in the module's shared broker a retry tier's
        // consumer group may be rebalancing (its session timeout is 10 s), which delays, never loses, a retry.
        assertThat(Duration.between(received.get(0).at(), received.get(1).at())).isBetween(Duration.ofMillis(150),
                Duration.ofSeconds(15));
        assertThat(Duration.between(received.get(1).at(), received.get(2).at())).isBetween(Duration.ofMillis(310),
                Duration.ofSeconds(15));
        List<AttemptMessage> attempts = kafka.awaitAttempts(DeliveryMessage.deliveryId(event.id(), endpoint.id()), 3,
                TIMEOUT);
        assertThat(attempts).extracting(AttemptMessage::attempt).containsExactly(1, 2, 3);
        assertThat(attempts).extracting(AttemptMessage::outcome).containsExactly(AttemptOutcome.RETRY_SCHEDULED,
                AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.SUCCEEDED);
        assertThat(attempts.get(0).statusCode()).isEqualTo(500);
        assertThat(attempts.get(0).error()).isEqualTo("HTTP 500");
        assertThat(attempts.get(0).nextAttemptAt()).isBetween(attempts.get(0).attemptedAt().plusMillis(150),
                attempts.get(0).attemptedAt().plusMillis(1000));
        assertThat(attempts.get(1).nextAttemptAt()).isAfter(attempts.get(1).attemptedAt().plusMillis(310));
        assertThat(attempts.get(2).nextAttemptAt()).isNull();
        Thread.sleep(500);
        assertThat(receiver.received()).hasSize(3);
    }

    @Test
    void shouldDisableAnEndpointThatAnswersGoneAndSayItOnTheEventsTopic() throws Exception {
        String tenant = tenant();
        WebhookReceiver other = WebhookReceiver.start();
        try {
            receiver.respond(r -> Reply.status(410));
            EndpointState gone = register(endpoint(tenant, receiver.url("/gone"), List.of("order.*"), secret()));
            EndpointState kept = register(endpoint(tenant, other.url("/kept"), List.of("order.*"), secret()));
            String key = UUID.randomUUID().toString();
            EventMessage first = event(tenant, "order.created", key);

            kafka.publishEvent(first);

            AttemptMessage attempt = kafka.awaitAttempt(DeliveryMessage.deliveryId(first.id(), gone.id()), TIMEOUT);
            assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.ENDPOINT_DISABLED);
            assertThat(attempt.statusCode()).isEqualTo(410);
            assertThat(table.get(gone.id())).hasValueSatisfying(e -> assertThat(e.enabled()).isFalse());
            EventMessage disabled = kafka.await(Topics.EVENTS, EventMessage.class,
                    e -> OperationalEvents.ENDPOINT_DISABLED.equals(e.type()) && tenant.equals(e.tenant()), 1, TIMEOUT)
                    .get(0);
            assertThat(disabled.data().get("endpointId").asText()).isEqualTo(gone.id());
            assertThat(disabled.data().get("reason").asText()).contains("410");
            DeadLetterMessage deadLetter = kafka.await(Topics.DLQ, DeadLetterMessage.class,
                    d -> d.delivery().endpointId().equals(gone.id()), 1, TIMEOUT).get(0);
            assertThat(deadLetter.lastStatusCode()).isEqualTo(410);

            EventMessage second = event(tenant, "order.updated", key);
            kafka.publishEvent(second);

            other.await(2, TIMEOUT);
            assertThat(receiver.received()).extracting(r -> r.header(WebhookHeaders.ID)).containsExactly(first.id());
        } finally {
            other.close();
        }
    }

    @Test
    void shouldWaitAsLongAsRetryAfterAsksOnTooManyRequests() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.respond(r -> calls.incrementAndGet() == 1 ? Reply.status(429, Map.of("Retry-After", "2"), "slow down")
                : Reply.status(204));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        List<Received> received = receiver.await(2, TIMEOUT);
        assertThat(Duration.between(received.get(0).at(), received.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        AttemptMessage first = kafka.awaitAttempts(DeliveryMessage.deliveryId(event.id(), endpoint.id()), 1, TIMEOUT)
                .get(0);
        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.nextAttemptAt()).isAfterOrEqualTo(first.attemptedAt().plusSeconds(2));
    }

    @Test
    void shouldTimeOutAHangingReceiverAndTryAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.respond(r -> calls.incrementAndGet() == 1 ? Reply.hang() : Reply.status(204));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        List<AttemptMessage> attempts = kafka.awaitAttempts(DeliveryMessage.deliveryId(event.id(), endpoint.id()), 2,
                TIMEOUT);
        assertThat(attempts.get(0).outcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
        assertThat(attempts.get(0).statusCode()).isNull();
        assertThat(attempts.get(0).error()).isEqualTo("No complete response within 1500 ms");
        assertThat(attempts.get(0).latencyMs()).isBetween(1400L, 9000L);
        assertThat(attempts.get(1).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void shouldDeadLetterAnEndpointThatAlwaysFailsAfterItsLastTry() throws Exception {
        receiver.respond(r -> Reply.status(502, Map.of(), "bad gateway"));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");
        String deliveryId = DeliveryMessage.deliveryId(event.id(), endpoint.id());

        kafka.publishEvent(event);

        DeadLetterMessage deadLetter = kafka
                .await(Topics.DLQ, DeadLetterMessage.class, d -> d.delivery().id().equals(deliveryId), 1, TIMEOUT)
                .get(0);
        assertThat(deadLetter.lastStatusCode()).isEqualTo(502);
        assertThat(deadLetter.lastError()).isEqualTo("HTTP 502");
        assertThat(deadLetter.delivery().webhookId()).isEqualTo(event.id());
        assertThat(deadLetter.delivery().payload()).isNotBlank();
        List<AttemptMessage> attempts = kafka.awaitAttempts(deliveryId, 3, TIMEOUT);
        assertThat(attempts).extracting(AttemptMessage::outcome).containsExactly(AttemptOutcome.RETRY_SCHEDULED,
                AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.EXHAUSTED);
        assertThat(attempts.get(2).responseExcerpt()).isEqualTo("bad gateway");
        Thread.sleep(800);
        assertThat(receiver.received()).hasSize(3);
    }

    @Test
    void shouldFollowTheEndpointsOwnRetrySchedule() throws Exception {
        receiver.respond(r -> Reply.status(500));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                .withDeliveryOptions(null, null, List.of(100L)));
        EventMessage event = event(endpoint.tenant(), "order.created");
        String deliveryId = DeliveryMessage.deliveryId(event.id(), endpoint.id());

        kafka.publishEvent(event);

        kafka.await(Topics.DLQ, DeadLetterMessage.class, d -> d.delivery().id().equals(deliveryId), 1, TIMEOUT);
        assertThat(kafka.awaitAttempts(deliveryId, 2, TIMEOUT)).extracting(AttemptMessage::outcome)
                .containsExactly(AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.EXHAUSTED);
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void shouldDropAndDeadLetterADeliveryToAnAddressTheEgressPolicyRefuses() {
        // 10.0.0.1 is private and outside the test profile's loopback allow-list: refused before any connection.
        EndpointState endpoint = register(endpoint(tenant(), "http://10.0.0.1:9/hook", List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");
        String deliveryId = DeliveryMessage.deliveryId(event.id(), endpoint.id());

        kafka.publishEvent(event);

        AttemptMessage attempt = kafka.awaitAttempt(deliveryId, TIMEOUT);
        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.DROPPED);
        assertThat(attempt.error()).startsWith("Refused by the egress policy");
        DeadLetterMessage deadLetter = kafka
                .await(Topics.DLQ, DeadLetterMessage.class, d -> d.delivery().id().equals(deliveryId), 1, TIMEOUT)
                .get(0);
        assertThat(deadLetter.lastError()).isEqualTo(attempt.error());
        assertThat(deadLetter.lastStatusCode()).isNull();
    }

}
