package io.herald.dispatch.fanout;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.Json;
import io.herald.contracts.WebhookHeaders;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A tenant with 2 000 endpoints posting 200 KB events (400 MB of deliveries each) neither stalls fan-out nor keeps
 * another tenant's webhooks waiting: its fan-out goes out in byte-bounded transactions, is held back while delivery is
 * behind, and its deliveries take no more than the tenant's byte budget in flight.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class NoisyTenantTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int ENDPOINTS = 2_000;
    private static final int BIG_EVENTS = 2;
    private static final int SMALL_EVENTS = 60;

    @Test
    void shouldDeliverAQuietTenantsWebhooksPromptlyBesideATenantFanningLargeEventsOutToThousandsOfEndpoints()
            throws Exception {
        String noisy = tenant();
        List<EndpointState> many = IntStream.range(0, ENDPOINTS)
                .mapToObj(i -> endpoint(noisy, receiver.url("/noisy/" + i), List.of("order.*"), secret()))
                .peek(kafka::publishEndpoint).toList();
        try (WebhookReceiver quietReceiver = WebhookReceiver.start()) {
            String quiet = tenant();
            EndpointState quietEndpoint = register(
                    endpoint(quiet, quietReceiver.url("/quiet"), List.of("order.*"), secret()));
            await("every endpoint is routed").atMost(TIMEOUT)
                    .until(() -> many.stream().allMatch(e -> table.get(e.id()).isPresent()));

            List<EventMessage> large = IntStream.range(0, BIG_EVENTS).mapToObj(i -> largeEvent(noisy)).toList();
            Instant noisyStart = Instant.now();
            kafka.publishEvents(large);
            Map<String, Instant> sent = new ConcurrentHashMap<>();
            for (int i = 0; i < SMALL_EVENTS; i++) {
                EventMessage event = event(quiet, "order.created");
                sent.put(event.id(), Instant.now());
                kafka.publishEvent(event);
                Thread.sleep(50);
            }

            quietReceiver.await(SMALL_EVENTS, TIMEOUT);
            List<Long> latencies = new ArrayList<>();
            quietReceiver.received().forEach(
                    r -> latencies.add(Duration.between(sent.get(r.header(WebhookHeaders.ID)), r.at()).toMillis()));
            long p99 = latencies.stream().sorted().toList().get((int) Math.ceil(latencies.size() * 0.99) - 1);
            await("every large event reaches every endpoint of the noisy tenant").atMost(TIMEOUT)
                    .until(() -> receiver.received().size() >= ENDPOINTS * BIG_EVENTS);

            Instant noisyDone = receiver.received().stream().map(WebhookReceiver.Received::at).max(Instant::compareTo)
                    .orElseThrow();
            long noisyMs = Duration.between(noisyStart, noisyDone).toMillis();

            System.out.printf(
                    "Noisy tenant: %d endpoints x %d events of %d KB delivered in %d ms; quiet tenant's p99 "
                            + "%d ms over %d webhooks (endpoint %s)%n",
                    ENDPOINTS, BIG_EVENTS, large.get(0).data().toString().length() / 1024, noisyMs, p99,
                    latencies.size(), quietEndpoint.id());
            assertThat(latencies).hasSize(SMALL_EVENTS);
            // Queued behind the noisy tenant's work, the quiet tenant waited about as long as that work took (p99 107 s
            // of about 110 s before fan-out was cut and tenants given shares; 9-12 s of 23-37 s while fan-out still ran
            // ahead of delivery, filling herald.deliveries in front of the quiet tenant); with large fan-outs held back
            // while delivery is behind, 2.6 s of 28.6 s on a two-core machine. Relative, since what 800 MB of
            // deliveries take depends on the machine's load.
            assertThat(p99).isLessThan(Math.max(3_000, noisyMs / 4));
            assertThat(receiver.received()).hasSize(ENDPOINTS * BIG_EVENTS);
        }
    }

    private static EventMessage largeEvent(String tenant) {
        EventMessage small = event(tenant, "order.created");
        ObjectNode data = Json.mapper().createObjectNode().put("blob", "x".repeat(200 * 1024));
        return EventMessage.of(small.id(), tenant, small.type(), data, null, small.occurredAt(), small.occurredAt());
    }
}
