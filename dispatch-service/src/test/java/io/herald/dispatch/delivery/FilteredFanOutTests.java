package io.herald.dispatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.Topics;
import io.herald.contracts.messages.AttemptMessage;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.dispatch.DeliveryTestBase;
import io.herald.dispatch.Fixtures;
import io.herald.testing.KafkaTestResource;
import io.herald.testing.WebhookReceiver.Received;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Endpoint payload filters in fan-out, on the real broker: a filtered endpoint gets exactly the matching events. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class FilteredFanOutTests extends DeliveryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Inject
    MeterRegistry registry;

    @Test
    void shouldDeliverToAFilteredEndpointExactlyTheMatchingEventsOfAMixedStream() throws Exception {
        String tenant = Fixtures.tenant();
        EndpointState filtered = register(
                Fixtures.endpoint(tenant, receiver.url("/filtered"), List.of("order.*"), Fixtures.secret())
                        .withFilter("type == \"order.created\" && data.amount > 1000"));
        EndpointState everything = register(
                Fixtures.endpoint(tenant, receiver.url("/everything"), List.of("order.*"), Fixtures.secret()));
        double errorsBefore = registry.counter("herald.fanout.filtered", "outcome", "error").count();

        List<EventMessage> stream = new ArrayList<>();
        stream.add(event(tenant, "order.created", "{\"amount\": 4200}"));
        stream.add(event(tenant, "order.created", "{\"amount\": 999}"));
        stream.add(event(tenant, "order.updated", "{\"amount\": 5000}"));
        stream.add(event(tenant, "order.created", "{\"amount\": 1000.5}"));
        stream.add(event(tenant, "order.created", "{\"total\": 9999}"));
        stream.add(event(tenant, "order.created", "{\"amount\": \"lots\"}"));
        stream.add(event(tenant, "order.created", "{\"amount\": 1001}"));
        Set<String> matching = Set.of(stream.get(0).id(), stream.get(3).id(), stream.get(6).id());
        kafka.publishEvents(stream);

        // Fan-out: the unfiltered endpoint's deliveries show that the whole stream was fanned out; the filtered one has
        // deliveries for the matching events only (and so no attempt for the others).
        await("the whole stream fanned out").atMost(TIMEOUT)
                .until(() -> kafka.deliveries(d -> d.endpointId().equals(everything.id())).size() == stream.size());
        List<DeliveryMessage> deliveries = kafka.deliveries(d -> d.endpointId().equals(filtered.id()));
        assertThat(deliveries).extracting(DeliveryMessage::eventId).containsExactlyInAnyOrderElementsOf(matching);

        // Delivery: the subscriber's server receives exactly those.
        List<Received> received = receiver.await(stream.size() + matching.size(), TIMEOUT);
        assertThat(ids(received, "/everything")).hasSize(stream.size());
        assertThat(ids(received, "/filtered")).isEqualTo(matching);
        List<AttemptMessage> attempts = kafka.await(Topics.ATTEMPTS, AttemptMessage.class,
                a -> a.endpointId().equals(filtered.id()), matching.size(), TIMEOUT);
        assertThat(attempts).hasSize(matching.size());
        assertThat(kafka.deliveries(d -> d.endpointId().equals(everything.id()))).hasSize(stream.size());
        // A missing field and a string compared with a number fail to evaluate: no match, counted.
        assertThat(registry.counter("herald.fanout.filtered", "outcome", "error").count() - errorsBefore).isEqualTo(2);
    }

    private static Set<String> ids(List<Received> received, String path) {
        return received.stream().filter(r -> r.path().equals(path)).map(r -> r.header("webhook-id"))
                .collect(Collectors.toSet());
    }

    private static EventMessage event(String tenant, String type, String data) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return EventMessage.of("evt_" + UUID.randomUUID(), tenant, type, Json.read(data, JsonNode.class), null, now,
                now);
    }
}
