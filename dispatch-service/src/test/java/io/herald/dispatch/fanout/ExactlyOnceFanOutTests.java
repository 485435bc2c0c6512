package io.herald.dispatch.fanout;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.dispatch.KafkaRecords;
import io.herald.dispatch.guard.EndpointBreakers;
import io.herald.dispatch.guard.FailingEndpoints;
import io.herald.dispatch.routing.RoutingTable;
import io.herald.testing.KafkaTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;

/**
 * Fan-out is exactly-once on the real broker: a fan-out transaction that fails after some of its deliveries were
 * written leaves none of them visible, and its events are fanned out again, so every event yields exactly one delivery
 * per endpoint (at-least-once fan-out would publish the deliveries written before the failure twice).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class ExactlyOnceFanOutTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int EVENTS = 30;

    @Inject
    EndpointBreakers breakers;
    @Inject
    FailingEndpoints failingEndpoints;
    @Inject
    Clock clock;
    @Inject
    MeterRegistry registry;
    @Inject
    KafkaRecords records;

    @Test
    void shouldDiscardTheDeliveriesOfAnAbortedBatchAndFanItsEventsOutAgainExactlyOnce() throws Exception {
        String tenant = tenant();
        EndpointState first = register(endpoint(tenant, receiver.url("/first"), List.of("order.*"), secret()));
        EndpointState second = register(endpoint(tenant, receiver.url("/second"), List.of("order.*"), secret()));
        // Fails at the second delivery of the 16th event: the transaction already holds that event's first delivery
        // (and those of the events before it in the same batch).
        FailingOnce failing = new FailingOnce(tenant, EVENTS + 2, breakers, failingEndpoints, table, clock, registry,
                records);
        QuarkusMock.installMockForType(failing, DeliveryPublisher.class);
        List<EventMessage> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            EventMessage event = event(tenant, "order.created");
            events.add(event);
            kafka.publishEvent(event);
        }

        await("every event is fanned out to both endpoints").atMost(TIMEOUT)
                .until(() -> kafka.deliveries(d -> tenant.equals(d.tenant())).size() >= 2 * EVENTS);

        assertThat(failing.failures()).as("injected failures").hasValue(1);
        List<String> expected = events.stream().flatMap(e -> List
                .of(DeliveryMessage.deliveryId(e.id(), first.id()), DeliveryMessage.deliveryId(e.id(), second.id()))
                .stream()).toList();
        assertThat(kafka.deliveries(d -> tenant.equals(d.tenant()))).extracting(DeliveryMessage::id)
                .containsExactlyInAnyOrderElementsOf(expected);
        // The aborted transaction did write deliveries before it failed; read_committed consumers never see them.
        List<DeliveryMessage> written = kafka.deliveries(d -> tenant.equals(d.tenant()), false);
        assertThat(written).hasSizeGreaterThan(2 * EVENTS);
        assertThat(written).extracting(DeliveryMessage::id).containsAll(expected);
        // So each webhook goes out once per endpoint.
        receiver.await(2 * EVENTS, TIMEOUT);
        Thread.sleep(500);
        Map<String, Long> requests = receiver.received().stream().collect(
                Collectors.groupingBy(r -> r.path() + " " + r.header(WebhookHeaders.ID), Collectors.counting()));
        assertThat(requests).hasSize(2 * EVENTS).allSatisfy((request, count) -> assertThat(count).isOne());
    }

    /** Fails the fan-out transaction once, at the {@code failAt}-th delivery of the tenant. */
    static class FailingOnce extends DeliveryPublisher {

        private final String tenant;
        private final int failAt;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();

        FailingOnce(String tenant, int failAt, EndpointBreakers breakers, FailingEndpoints failing, RoutingTable table,
                Clock clock, MeterRegistry registry, KafkaRecords records) {
            super(breakers, failing, table, clock, registry, records);
            this.tenant = tenant;
            this.failAt = failAt;
        }

        @Override
        public void send(TransactionalEmitter<String> transaction, DeliveryMessage delivery) {
            if (tenant.equals(delivery.tenant()) && sent.incrementAndGet() == failAt) {
                failures.incrementAndGet();
                throw new IllegalStateException("Injected failure in the middle of a fan-out transaction");
            }
            super.send(transaction, delivery);
        }

        AtomicInteger failures() {
            return failures;
        }
    }
}
