package io.herald.ingest.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EventIdsTests {

    @Test
    void shouldEncodeAUlidLikeTheSpecificationExample() {
        // ULID spec: time 1469918176385 encodes as 01ARYZ6S41; all-zero and all-one randomness as 0s and Zs.
        assertThat(EventIds.ulid(1469918176385L, new byte[10])).isEqualTo("01ARYZ6S41" + "0".repeat(16));
        byte[] ones = new byte[10];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertThat(EventIds.ulid(1469918176385L, ones)).isEqualTo("01ARYZ6S41" + "Z".repeat(16));
    }

    @Test
    void shouldGenerateValidUniqueIdsThatSortByTime() {
        Clock early = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        Clock late = Clock.fixed(Instant.parse("2026-01-01T00:00:00.001Z"), ZoneOffset.UTC);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = EventIds.generate(early);
            assertThat(id).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
            assertThat(EventIds.isValid(id)).isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
        assertThat(EventIds.generate(late)).isGreaterThan(ids.stream().max(String::compareTo).orElseThrow());
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
