package io.herald.dispatch;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.AttemptOutcome;
import io.herald.contracts.messages.DeadLetterMessage;
import io.herald.contracts.messages.DeadLetterReason;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.dispatch.retry.RetryTiers;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Failed tries and dropped deliveries are recorded on {@code herald.attempts} (the test profile sets a 1500 ms request
 * deadline and a 64-byte response excerpt); a failed first try schedules a retry.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class DeliveryOutcomeTests extends DeliveryTestBase {

    @Inject
    EndpointBreakers breakers;

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldRecordAServerErrorWithTheStartOfItsBody() {
        receiver.respond(r -> Reply.status(500, Map.of("Content-Type", "text/plain"), "x".repeat(100_000)));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        AttemptMessage attempt = kafka.awaitAttempt(DeliveryMessage.deliveryId(event.id(), endpoint.id()), TIMEOUT);
        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
        assertThat(attempt.statusCode()).isEqualTo(500);
        assertThat(attempt.error()).isEqualTo("HTTP 500");
        assertThat(attempt.responseExcerpt()).isEqualTo("x".repeat(64));
    }

    @Test
    void shouldStopWaitingForAnEndpointThatDoesNotAnswerWithinTheDeadline() {
        receiver.respond(r -> Reply.hang());
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        AttemptMessage attempt = kafka.awaitAttempt(DeliveryMessage.deliveryId(event.id(), endpoint.id()), TIMEOUT);
        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
        assertThat(attempt.statusCode()).isNull();
        assertThat(attempt.error()).isEqualTo("No complete response within 1500 ms");
        assertThat(attempt.latencyMs()).isBetween(1400L, 9000L);
    }

    @Test
    void shouldNotFollowRedirects() {
        receiver.respond(
                r -> r.path().equals("/hook") ? Reply.status(302, Map.of("Location", receiver.url("/moved")), "")
                        : Reply.status(204));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");

        kafka.publishEvent(event);

        AttemptMessage attempt = kafka.awaitAttempt(DeliveryMessage.deliveryId(event.id(), endpoint.id()), TIMEOUT);
        assertThat(attempt.statusCode()).isEqualTo(302);
        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
        assertThat(receiver.received()).extracting(WebhookReceiver.Received::path).containsOnly("/hook");
    }

    @Test
    void shouldDropADeliveryForAnUnknownEndpointWithAnAttemptRecord() {
        EventMessage event = event(tenant(), "order.created");
        DeliveryMessage delivery = DeliveryMessage.first(event, "ep_unknown_" + event.id(),
                WebhookPayload.render(event), Instant.now());

        kafka.publishDelivery(delivery);

        AttemptMessage attempt = kafka.awaitAttempt(delivery.id(), TIMEOUT);
        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.DROPPED);
        assertThat(attempt.statusCode()).isNull();
        assertThat(attempt.error()).isEqualTo("Endpoint deleted or unknown; delivery dropped");
    }

    @Test
    void shouldDeadLetterADeliveryForADisabledEndpointWithoutCallingIt() {
        EndpointState endpoint = register(
                Fixtures.disabled(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())));
        EventMessage event = event(endpoint.tenant(), "order.created");
        DeliveryMessage delivery = DeliveryMessage.first(event, endpoint.id(), WebhookPayload.render(event),
                Instant.now());

        kafka.publishDelivery(delivery);

        AttemptMessage attempt = kafka.awaitAttempt(delivery.id(), TIMEOUT);
        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.DROPPED);
        assertThat(attempt.error()).isEqualTo("Endpoint disabled; the delivery is a dead letter");
        DeadLetterMessage deadLetter = kafka
                .await(Topics.DLQ, DeadLetterMessage.class, d -> d.delivery().id().equals(delivery.id()), 1, TIMEOUT)
                .get(0);
        assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.ENDPOINT_DISABLED);
        assertThat(deadLetter.delivery().payload()).isEqualTo(delivery.payload());
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void shouldRecordWhatAReceiverSentAsSafeTextWhateverItsBytes() {
        receiver.respond(r -> Reply.status(500, Map.of(), "bad\u0000bytes\u0000"));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/nul"), List.of("order.*"), secret()));
        EventMessage event = event(endpoint.tenant(), "order.created");
        DeliveryMessage delivery = DeliveryMessage.first(event, endpoint.id(), WebhookPayload.render(event),
                Instant.now());

        kafka.publishDelivery(delivery);

        AttemptMessage attempt = kafka.awaitAttempt(delivery.id(), TIMEOUT);
        assertThat(attempt.statusCode()).isEqualTo(500);
        assertThat(attempt.responseExcerpt()).isEqualTo("bad\uFFFDbytes\uFFFD");
    }

    @Test
    void shouldPostponeADeliveryItsEndpointsBreakerRefusesAndDeadLetterItPastThePostponementDeadline() {
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/open"), List.of("order.*"), secret()));
        for (int i = 0; i < 10; i++) {
            breakers.failed(endpoint.id(), 10, "HTTP 500");
        }
        EventMessage fresh = event(endpoint.tenant(), "order.created");
        DeliveryMessage postponedOnce = DeliveryMessage.first(fresh, endpoint.id(), WebhookPayload.render(fresh),
                Instant.now());
        EventMessage old = event(endpoint.tenant(), "order.created");
        Instant longAgo = Instant.now().minus(Duration.ofDays(3));
        DeliveryMessage postponedForDays = DeliveryMessage
                .first(old, endpoint.id(), WebhookPayload.render(old), longAgo)
                .postponedTo(longAgo.plusSeconds(60), longAgo).postponedTo(Instant.now(), longAgo.plusSeconds(60));

        kafka.publishDelivery(postponedOnce);
        kafka.publishDelivery(postponedForDays);

        DeadLetterMessage deadLetter = kafka.await(Topics.DLQ, DeadLetterMessage.class,
                d -> d.delivery().id().equals(postponedForDays.id()), 1, TIMEOUT).get(0);
        assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.POSTPONED_TOO_LONG);
        DeliveryMessage retry = kafka.await(Topics.retryTier("5s"), DeliveryMessage.class,
                d -> d.id().equals(postponedOnce.id()), 1, TIMEOUT).get(0);
        assertThat(retry.postponements()).isEqualTo(1);
        assertThat(retry.attempts()).isZero();
        assertThat(retry.postponedSince()).isNotNull();
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void shouldPostponeForLongInOneTierNotThroughTheShortestTierAgainAndAgain() {
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/open-long"), List.of("order.*"), secret()));
        for (int i = 0; i < 10; i++) {
            breakers.failed(endpoint.id(), 10, "HTTP 500");
        }
        EventMessage event = event(endpoint.tenant(), "order.created");
        Instant since = Instant.now().minusSeconds(60);
        DeliveryMessage delivery = DeliveryMessage.first(event, endpoint.id(), WebhookPayload.render(event), since);
        // Eight postponements before: the breaker's wait (50 ms to its 1.5 s open time) doubled eight times, 12.8 s to
        // the 300 s cap; in any case longer than the shortest tier.
        for (int i = 0; i < 8; i++) {
            delivery = delivery.postponedTo(Instant.now(), since);
        }
        DeliveryMessage postponed = delivery;

        Instant before = Instant.now();
        kafka.publishDelivery(postponed);

        List<String> tiers = List.of("5s", "1m", "5m", "30m");
        await("the postponed delivery is in a retry tier").atMost(TIMEOUT)
                .until(() -> tiers.stream().anyMatch(tier -> !kafka
                        .readToEnd(Topics.retryTier(tier), DeliveryMessage.class, d -> d.id().equals(postponed.id()))
                        .isEmpty()));
        Instant after = Instant.now();
        List<String> holding = tiers.stream()
                .filter(tier -> !kafka
                        .readToEnd(Topics.retryTier(tier), DeliveryMessage.class, d -> d.id().equals(postponed.id()))
                        .isEmpty())
                .toList();
        assertThat(holding).hasSize(1);
        DeliveryMessage retry = kafka
                .readToEnd(Topics.retryTier(holding.get(0)), DeliveryMessage.class, d -> d.id().equals(postponed.id()))
                .get(0);
        assertThat(retry.postponements()).isEqualTo(9);
        // It waits exactly its tier's delay (it wakes once, at the tier's deadline, due), never longer than its tier
        // holds it (which would mean a wake-up and a second record in a shorter tier).
        Duration tier = RetryTiers.delayOf(holding.get(0));
        assertThat(Duration.between(before, retry.notBefore())).isGreaterThanOrEqualTo(tier);
        assertThat(Duration.between(after, retry.notBefore())).isLessThanOrEqualTo(tier);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void shouldDropADeliveryWhoseTenantDoesNotOwnTheEndpoint() {
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret()));
        EventMessage event = event(tenant(), "order.created");
        DeliveryMessage delivery = DeliveryMessage.first(event, endpoint.id(), WebhookPayload.render(event),
                Instant.now());

        kafka.publishDelivery(delivery);

        AttemptMessage attempt = kafka.awaitAttempt(delivery.id(), TIMEOUT);
        assertThat(attempt.error()).isEqualTo("Endpoint belongs to another tenant; delivery dropped");
        assertThat(receiver.received()).isEmpty();
    }

}
