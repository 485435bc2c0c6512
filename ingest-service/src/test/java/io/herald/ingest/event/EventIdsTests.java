package io.herald.ingest.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class EventIdsTests {

    @Test
    void shouldGenerateUpperCaseUlidsAfterThePrefixThatProducersCouldAlsoUse() {
        // Uniqueness and time order are the ULID's own (service-kit's UlidTests).
        String id = EventIds.generate(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

        assertThat(id).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(EventIds.isValid(id)).isTrue();
    }

    @Test
    void shouldAcceptProducerIdsOfOneTo64SafeCharacters() {
        assertThat(EventIds.isValid("a")).isTrue();
        assertThat(EventIds.isValid("order:42.created_v1-x")).isTrue();
        assertThat(EventIds.isValid("x".repeat(64))).isTrue();
        assertThat(EventIds.isValid("x".repeat(65))).isFalse();
        assertThat(EventIds.isValid("")).isFalse();
        assertThat(EventIds.isValid("a/b")).isFalse();
        assertThat(EventIds.isValid("é")).isFalse();
        assertThat(EventIds.isValid(null)).isFalse();
    }
}
