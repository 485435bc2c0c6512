package io.herald.dispatch.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EndpointSecret;
import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EndpointFilterTests {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EndpointFilter filters = new EndpointFilter(registry);

    @Test
    void shouldKeepEndpointsWithoutFilterAndThoseWhoseFilterTheEventPasses() {
        EndpointState all = endpoint("all", null);
        EndpointState big = endpoint("big", "data.amount > 1000");
        EndpointState small = endpoint("small", "data.amount <= 1000");

        assertThat(filters.passing(event("{\"amount\": 4200}"), List.of(all, big, small))).containsExactly(all, big);
        assertThat(filters.passing(event("{\"amount\": 10}"), List.of(all, big, small))).containsExactly(all, small);
        assertThat(registry.counter("herald.fanout.filtered", "outcome", "no_match").count()).isEqualTo(2);
    }

    @Test
    void shouldCountAFailingEvaluationAsNoMatchAndInTheErrorMetric() {
        EndpointState big = endpoint("big", "data.amount > 1000");
        EndpointState guarded = endpoint("guarded", "!has(data.amount)");

        assertThat(filters.passing(event("{\"total\": 5}"), List.of(big, guarded))).containsExactly(guarded);
        assertThat(registry.counter("herald.fanout.filtered", "outcome", "error").count()).isEqualTo(1);
    }

    @Test
    void shouldMatchNothingForAFilterThatDoesNotCompileHere() {
        assertThat(filters.passing(event("{}"), List.of(endpoint("broken", "data.amount >")))).isEmpty();
        assertThat(registry.counter("herald.fanout.filtered", "outcome", "error").count()).isEqualTo(1);
    }

    @Test
    void shouldReturnTheSameListWhenNoEndpointHasAFilter() {
        List<EndpointState> matched = List.of(endpoint("a", null), endpoint("b", null));

        assertThat(filters.passing(event("{}"), matched)).isSameAs(matched);
    }

    private static EventMessage event(String data) {
        return EventMessage.of("evt_1", "acme", "order.created", Json.read(data, JsonNode.class), null, NOW, NOW);
    }

    private static EndpointState endpoint(String id, String filter) {
        return EndpointState
                .of(id, "acme", "https://example.com/" + id, List.of("order.*"), true,
                        List.of(new EndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)), 1, NOW)
                .withFilter(filter);
    }
}
