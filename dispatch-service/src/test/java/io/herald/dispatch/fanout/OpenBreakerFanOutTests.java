package io.herald.dispatch.fanout;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.herald.contracts.Topics;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Deliveries to an endpoint whose breaker is open skip {@code herald.deliveries}: fan-out writes them to the retry tier
 * of the breaker's remaining open time (here 4 s, so long that fan-out surely runs while it is open), and they go out
 * once the breaker lets requests through again.
 */
@QuarkusTest
@TestProfile(OpenBreakerFanOutTests.LongOpenPeriod.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class OpenBreakerFanOutTests extends DeliveryTestBase {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Duration OPEN = Duration.ofSeconds(4);

    public static class LongOpenPeriod implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.dispatch.breaker.open-ms", Long.toString(OPEN.toMillis()));
        }
    }

    @Inject
    EndpointBreakers breakers;

    @Test
    void shouldWriteDeliveriesOfAnOpenBreakerStraightToARetryTierAndSendThemOnceItCloses() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean();
        receiver.respond(r -> healthy.get() ? Reply.status(204) : Reply.status(500));
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                .withDeliveryOptions(null, null, Collections.nCopies(20, 100L)));
        kafka.publishEvent(event(endpoint.tenant(), "order.created"));
        receiver.await(3, TIMEOUT);
        await("the breaker opens").atMost(TIMEOUT)
                .until(() -> breakers.state(endpoint.id()) == CircuitBreaker.State.OPEN);
        Instant opened = receiver.received().get(2).at();

        List<EventMessage> events = List.of(event(endpoint.tenant(), "order.created"),
                event(endpoint.tenant(), "order.created"));
        events.forEach(kafka::publishEvent);
        Set<String> eventIds = Set.of(events.get(0).id(), events.get(1).id());

        List<DeliveryMessage> postponed = kafka.await(Topics.retryTier("5s"), DeliveryMessage.class,
                d -> eventIds.contains(d.eventId()), 2, TIMEOUT);
        assertThat(postponed).allSatisfy(d -> {
            assertThat(d.endpointId()).isEqualTo(endpoint.id());
            assertThat(d.attempts()).as("no try counted").isZero();
            assertThat(d.postponements()).isEqualTo(1);
            assertThat(d.notBefore()).as("due when the breaker lets a probe through")
                    .isAfter(opened.plus(OPEN).minusMillis(500)).isBefore(opened.plus(OPEN).plusSeconds(1));
        });
        assertThat(kafka.deliveries(d -> eventIds.contains(d.eventId())))
                .as("deliveries of the open breaker's endpoint written to herald.deliveries").isEmpty();
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("herald_delivery_rescheduled_total\\{reason=\"fan-out-breaker-open\"} [1-9]");

        healthy.set(true);
        await("both events arrive").atMost(TIMEOUT).until(() -> receiver.received().stream()
                .filter(r -> eventIds.contains(r.header(WebhookHeaders.ID))).count() == 2);
        List<Received> received = receiver.received();
        assertThat(Duration.between(opened, received.get(3).at()))
                .as("from the failure that opened it to the next request")
                .isGreaterThanOrEqualTo(OPEN.minusMillis(100));
        assertThat(breakers.state(endpoint.id())).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
