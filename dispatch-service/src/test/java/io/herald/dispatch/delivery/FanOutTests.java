package io.herald.dispatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.dispatch.routing.EndpointFilter;
import io.herald.dispatch.routing.RoutingTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class FanOutTests {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private final RoutingTable table = new RoutingTable();
    private final FanOut fanOut = new FanOut(null, null, null, table, null, Clock.fixed(NOW, ZoneOffset.UTC),
            new SimpleMeterRegistry(), null, new EndpointFilter(new SimpleMeterRegistry()));

    @Test
    void shouldCreateOneFirstDeliveryPerMatchingEndpointWithTheRenderedPayload() {
        table.apply("a", endpoint("a", "acme", List.of("order.*"), true));
        table.apply("b", endpoint("b", "acme", List.of("order.created"), true));
        table.apply("c", endpoint("c", "acme", List.of("invoice.*"), true));
        table.apply("d", endpoint("d", "acme", List.of("order.*"), false));
        table.apply("e", endpoint("e", "globex", List.of("*"), true));
        EventMessage event = EventMessage.of("evt_1", "acme", "order.created",
                Json.mapper().createObjectNode().put("id", 7), null, NOW.minusSeconds(5), NOW.minusSeconds(4));

        List<DeliveryMessage> deliveries = fanOut.deliveriesFor(event);

        assertThat(deliveries).extracting(DeliveryMessage::endpointId).containsExactlyInAnyOrder("a", "b");
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d).isEqualTo(DeliveryMessage.first(event, d.endpointId(), WebhookPayload.render(event), NOW));
            assertThat(d.id()).isEqualTo(DeliveryMessage.deliveryId("evt_1", d.endpointId()));
            assertThat(d.webhookId()).isEqualTo("evt_1");
            assertThat(d.attempts()).isZero();
        });
    }

    @Test
    void shouldCreateNothingWhenNoEndpointMatches() {
        EventMessage event = EventMessage.of("evt_2", "acme", "order.created", Json.mapper().createObjectNode(), null,
                NOW, NOW);

        assertThat(fanOut.deliveriesFor(event)).isEmpty();
    }

    private static EndpointState endpoint(String id, String tenant, List<String> types, boolean enabled) {
        return EndpointState.of(id, tenant, "https://example.com/" + id, types, enabled,
                List.of(new EndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)), 1, NOW);
    }
}
