package io.herald.dispatch.guard;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver.Received;
import io.herald.testing.WebhookReceiver.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The per-endpoint breaker (test profile: opens after 3 consecutive failures, stays open 1500 ms). */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class CircuitBreakerTests extends DeliveryTestBase {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    EndpointBreakers breakers;

    @Test
    void shouldOpenAfterTheThresholdSendNothingWhileOpenAndCloseOnASuccessfulProbe() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean();
        receiver.respond(r -> healthy.get() ? Reply.status(204) : Reply.status(500));
        // Retries every 100 ms for long enough that only the breaker can hold them back.
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                .withDeliveryOptions(null, null, Collections.nCopies(20, 100L)));
        List<EventMessage> events = List.of(event(endpoint.tenant(), "order.created"),
                event(endpoint.tenant(), "order.created"), event(endpoint.tenant(), "order.created"),
                event(endpoint.tenant(), "order.created"));

        kafka.publishEvent(events.get(0));
        receiver.await(3, TIMEOUT);
        await("the breaker opens").atMost(TIMEOUT)
                .until(() -> breakers.state(endpoint.id()) == CircuitBreaker.State.OPEN);
        for (EventMessage later : events.subList(1, events.size())) {
            kafka.publishEvent(later);
        }
        Thread.sleep(500);
        assertThat(receiver.received()).as("requests while the breaker is open").hasSize(3);

        healthy.set(true);

        await("every event arrives").atMost(TIMEOUT).until(() -> receiver.received().size() >= 3 + events.size());
        List<Received> received = receiver.received();
        assertThat(Duration.between(received.get(2).at(), received.get(3).at()))
                .as("from the failure that opened it to the probe").isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        assertThat(received.get(3).header(WebhookHeaders.ID)).isIn(events.stream().map(EventMessage::id).toList());
        assertThat(breakers.state(endpoint.id())).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(received.subList(3, received.size())).extracting(r -> r.header(WebhookHeaders.ID))
                .containsExactlyInAnyOrderElementsOf(events.stream().map(EventMessage::id).toList());
        assertThat(metrics()).containsPattern("herald_breaker_endpoints\\{state=\"closed\"} [1-9]");
    }

    @Test
    void shouldSendWhatWaitedBehindTheProbeSoonAfterItSucceeds() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean();
        AtomicBoolean probed = new AtomicBoolean();
        AtomicReference<Instant> probeAnswered = new AtomicReference<>();
        receiver.respond(r -> {
            if (!healthy.get()) {
                return Reply.status(500);
            }
            if (probed.compareAndSet(false, true)) {
                // The probe takes 1 s (within the test profile's 1.5 s deadline): deliveries due meanwhile are refused.
                sleep(Duration.ofSeconds(1));
                probeAnswered.set(Instant.now());
            }
            return Reply.status(204);
        });
        EndpointState endpoint = register(endpoint(tenant(), receiver.url("/hook"), List.of("order.*"), secret())
                .withDeliveryOptions(null, null, Collections.nCopies(20, 100L)));
        kafka.publishEvent(event(endpoint.tenant(), "order.created"));
        receiver.await(3, TIMEOUT);
        await("the breaker opens").atMost(TIMEOUT)
                .until(() -> breakers.state(endpoint.id()) == CircuitBreaker.State.OPEN);
        List<EventMessage> events = List.of(event(endpoint.tenant(), "order.created"),
                event(endpoint.tenant(), "order.created"), event(endpoint.tenant(), "order.created"));
        events.forEach(kafka::publishEvent);
        healthy.set(true);

        await("every event arrives").atMost(TIMEOUT).until(() -> receiver.received().size() >= 4 + events.size());
        Instant last = receiver.received().get(receiver.received().size() - 1).at();
        // Refused while the probe was out, a delivery waits at most the open period (1.5 s here), not that doubled for
        // each time it was postponed before (at least 3 s: the last would come 2 s or more after the probe's answer).
        assertThat(probeAnswered.get()).as("the probe's answer").isNotNull();
        assertThat(Duration.between(probeAnswered.get(), last)).as("from the probe's answer to the last delivery")
                .isLessThan(Duration.ofMillis(1500));
        assertThat(breakers.state(endpoint.id())).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

}
