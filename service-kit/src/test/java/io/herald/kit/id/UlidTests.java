package io.herald.kit.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class UlidTests {

    @Test
    void shouldEncodeLikeTheSpecificationExample() {
        // ULID spec: time 1469918176385 encodes as 01ARYZ6S41; all-zero and all-one randomness as 0s and Zs.
        assertThat(Ulid.encode(1469918176385L, new byte[10])).isEqualTo("01ARYZ6S41" + "0".repeat(16));
        byte[] ones = new byte[10];
        Arrays.fill(ones, (byte) 0xff);
        assertThat(Ulid.encode(1469918176385L, ones)).isEqualTo("01ARYZ6S41" + "Z".repeat(16));
    }

    @Test
    void shouldGenerateUniqueIdsThatSortByTime() {
        Clock early = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        Clock late = Clock.fixed(Instant.parse("2026-01-01T00:00:00.001Z"), ZoneOffset.UTC);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Ulid.next(early);
            assertThat(id).matches("[0-9A-HJKMNP-TV-Z]{26}");
            ids.add(id);
        }

        assertThat(ids).hasSize(10_000);
        assertThat(Ulid.next(late)).isGreaterThan(ids.stream().max(String::compareTo).orElseThrow());
    }

    @Test
    void shouldUseTheWholeAlphabetInEveryRandomPosition() {
        // A bit-shifting slip would leave some positions constant (e.g. always '0').
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        Set<Character> firstRandom = new HashSet<>();
        Set<Character> middle = new HashSet<>();
        Set<Character> last = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = Ulid.next(clock);
            firstRandom.add(id.charAt(10));
            middle.add(id.charAt(17));
            last.add(id.charAt(25));
        }

        assertThat(firstRandom).hasSize(32);
        assertThat(middle).hasSize(32);
        assertThat(last).hasSize(32);
    }
}
