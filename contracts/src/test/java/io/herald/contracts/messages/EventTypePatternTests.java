package io.herald.contracts.messages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTypePatternTests {

    @ParameterizedTest
    @CsvSource({ "order.created, order.created, true", "order.created, order.updated, false",
            "order.*, order.created, true", "order.*, order.item.added, true", "order.*, orders.created, false",
            "order.*, order, false", "*, invoice.paid, true", "order.item.*, order.item.added, true",
            "order.item.*, order.created, false" })
    void shouldMatchExactPrefixAndCatchAllPatterns(String pattern, String type, boolean expected) {
        assertThat(EventTypePattern.matches(pattern, type)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = { "order.created", "a.b", "user_profile.updated-v2", "a.b.c.d" })
    void shouldAcceptWellFormedEventTypes(String type) {
        assertThat(EventTypePattern.isValidEventType(type)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "order", ".order", "order.", "order..created", "order created", "order.*", "",
            "ordér.created" })
    void shouldRefuseMalformedEventTypes(String type) {
        assertThat(EventTypePattern.isValidEventType(type)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "*", "order.*", "order.created", "order.item.*" })
    void shouldAcceptSubscriptionPatterns(String pattern) {
        assertThat(EventTypePattern.isValidSubscription(pattern)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "order*", "*.created", "order.*.created", "", "**" })
    void shouldRefuseMalformedSubscriptionPatterns(String pattern) {
        assertThat(EventTypePattern.isValidSubscription(pattern)).isFalse();
    }
}
