package io.herald.contracts.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventMessage;

class EventFilterTests {

    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void shouldMatchOnTypeAndANumericFieldOfData() throws Exception {
        EventFilter filter = EventFilter.compile("type == \"order.created\" && data.amount > 1000");

        assertThat(filter.matches(vars("order.created", "{\"amount\": 4200}"))).isTrue();
        assertThat(filter.matches(vars("order.created", "{\"amount\": 999.5}"))).isFalse();
        assertThat(filter.matches(vars("order.updated", "{\"amount\": 4200}"))).isFalse();
    }

    @Test
    void shouldSeeNestedObjectsListsAndTheOccurrenceTime() throws Exception {
        EventFilter filter = EventFilter.compile("data.customer.tier in [\"gold\", \"platinum\"] && "
                + "data.items.exists(i, i.sku.startsWith(\"B-\")) && occurredAt > timestamp(\"2026-01-01T00:00:00Z\")");

        assertThat(filter.matches(vars("order.created",
                "{\"customer\": {\"tier\": \"gold\"}, \"items\": [{\"sku\": \"A-1\"}, {\"sku\": \"B-2\"}]}"))).isTrue();
        assertThat(filter.matches(
                vars("order.created", "{\"customer\": {\"tier\": \"gold\"}, \"items\": [{\"sku\": \"A-1\"}]}")))
                        .isFalse();
    }

    @Test
    void shouldFailTheEvaluationOnAMissingFieldSoThatTheEventDoesNotMatch() throws Exception {
        EventFilter filter = EventFilter.compile("data.amount > 10");

        assertThatThrownBy(() -> filter.matches(vars("order.created", "{\"total\": 50}")))
                .isInstanceOf(EventFilter.EventFilterException.class);
        assertThat(EventFilter.compile("has(data.amount) && data.amount > 10")
                .matches(vars("order.created", "{\"total\": 50}"))).isFalse();
    }

    @Test
    void shouldRefuseASyntaxErrorWithItsPosition() {
        assertThatThrownBy(() -> EventFilter.compile("type == \"a.b\" &&& data.x"))
                .isInstanceOfSatisfying(InvalidEventFilterException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isGreaterThan(1);
                    assertThat(e.describe()).contains("line 1, column");
                });
    }

    @Test
    void shouldRefuseATypeErrorAndANonBooleanResult() {
        assertThatThrownBy(() -> EventFilter.compile("type > 5")).isInstanceOf(InvalidEventFilterException.class);
        assertThatThrownBy(() -> EventFilter.compile("type + \"x\"")).isInstanceOf(InvalidEventFilterException.class);
        assertThatThrownBy(() -> EventFilter.compile("unknownVariable == 1"))
                .isInstanceOfSatisfying(InvalidEventFilterException.class, e -> assertThat(e.line()).isEqualTo(1));
    }

    @Test
    void shouldRefuseExpressionsOverTheSizeAndCostBounds() {
        assertThatThrownBy(() -> EventFilter.compile("type == \"" + "a".repeat(EventFilter.MAX_LENGTH) + "\""))
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> EventFilter.compile("data.a.all(x, data.b.all(y, data.c.all(z, x == y && y == z)))"))
                .hasMessageContaining("comprehensions");
        assertThatThrownBy(() -> EventFilter.compile("(".repeat(200) + "true" + ")".repeat(200)))
                .isInstanceOf(InvalidEventFilterException.class);
    }

    @Test
    void shouldStopAComprehensionPastItsIterationBound() throws Exception {
        EventFilter filter = EventFilter.compile("data.items.all(i, i >= 0)");
        String many = "{\"items\": [" + "1,".repeat(EventFilter.MAX_ITERATIONS_PER_COMPREHENSION + 10) + "1]}";

        assertThat(filter.matches(vars("a.b", "{\"items\": [1, 2, 3]}"))).isTrue();
        assertThatThrownBy(() -> filter.matches(vars("a.b", many)))
                .isInstanceOf(EventFilter.EventFilterException.class);
    }

    private static Map<String, Object> vars(String type, String data) throws Exception {
        return EventFilter.variables(EventMessage.of("evt_1", "t", type, Json.mapper().readTree(data), null, AT, AT));
    }
}
