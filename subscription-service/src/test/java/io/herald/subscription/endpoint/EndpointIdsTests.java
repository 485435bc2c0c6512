package io.herald.subscription.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EndpointIdsTests {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldPrefixIdsWithEpAndUseLowercaseBase32() {
        String id = EndpointIds.next(CLOCK);

        assertThat(id).matches("ep_[0-9a-hjkmnp-tv-z]{26}");
    }

    @Test
    void shouldNotRepeatIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(EndpointIds.next(CLOCK));
        }

        assertThat(ids).hasSize(10_000);
    }

    @Test
    void shouldSortIdsByCreationTime() {
        String earlier = EndpointIds.next(CLOCK);
        String later = EndpointIds.next(Clock.offset(CLOCK, java.time.Duration.ofMillis(1)));

        assertThat(later).isGreaterThan(earlier);
    }
}
