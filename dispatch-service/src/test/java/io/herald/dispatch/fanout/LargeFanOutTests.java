package io.herald.dispatch.fanout;

import static io.herald.dispatch.Fixtures.endpoint;
import static io.herald.dispatch.Fixtures.event;
import static io.herald.dispatch.Fixtures.secret;
import static io.herald.dispatch.Fixtures.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A fan-out transaction can hold more deliveries than the Kafka sink takes in flight: the rest wait in the emitter
 * instead of failing the transaction (which would abort it, and every retry of it, for good).
 */
@QuarkusTest
@TestProfile(LargeFanOutTests.FewInFlight.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class LargeFanOutTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** 8 records in flight (1024 by default) plus the emitter's default buffer of 128: 136 sends before one fails. */
    public static class FewInFlight implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.deliveries-out.max-inflight-messages", "8");
        }
    }

    @Test
    void shouldFanOutInOneTransactionMoreDeliveriesThanTheSinkTakesInFlight() {
        String tenant = tenant();
        int endpoints = 400;
        List<EndpointState> registered = IntStream.range(0, endpoints)
                .mapToObj(i -> endpoint(tenant, receiver.url("/hook/" + i), List.of("order.*"), secret()))
                .peek(kafka::publishEndpoint).toList();
        await("every endpoint is routed").atMost(TIMEOUT)
                .until(() -> registered.stream().allMatch(e -> table.get(e.id()).isPresent()));
        EventMessage event = event(tenant, "order.created");

        kafka.publishEvent(event);

        await("the event is fanned out to every endpoint").atMost(TIMEOUT)
                .until(() -> kafka.deliveries(d -> event.id().equals(d.eventId())).size() >= endpoints);
        assertThat(kafka.deliveries(d -> event.id().equals(d.eventId()))).hasSize(endpoints);
        assertThat(kafka.deliveries(d -> event.id().equals(d.eventId()), false)).as("written, aborted included")
                .hasSize(endpoints);
    }
}
