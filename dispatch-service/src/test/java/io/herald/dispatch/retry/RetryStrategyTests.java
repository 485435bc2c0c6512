package io.herald.dispatch.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RetryStrategyTests {

    static final List<Long> DEFAULT = List.of(5_000L, 300_000L, 1_800_000L, 7_200_000L, 18_000_000L, 36_000_000L,
            36_000_000L);
    static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofHours(1);

    @Test
    void shouldFollowTheScheduleWithoutJitterAndStopAfterTheLastRetry() {
        ScheduleRetryStrategy strategy = new ScheduleRetryStrategy(DEFAULT, 0, () -> 0.99);

        assertThat(strategy.nextDelay(1)).contains(Duration.ofSeconds(5));
        assertThat(strategy.nextDelay(2)).contains(Duration.ofMinutes(5));
        assertThat(strategy.nextDelay(7)).contains(Duration.ofHours(10));
        assertThat(strategy.nextDelay(8)).isEmpty();
        assertThat(strategy.nextDelay(0)).isEmpty();
        assertThat(strategy.retries()).isEqualTo(7);
    }

    @Test
    void shouldMoveEachDelayByAtMostTheJitterEitherWay() {
        assertThat(new ScheduleRetryStrategy(DEFAULT, 0.2, () -> 0.0).nextDelay(1)).contains(Duration.ofSeconds(4));
        assertThat(new ScheduleRetryStrategy(DEFAULT, 0.2, () -> 0.5).nextDelay(1)).contains(Duration.ofSeconds(5));
        assertThat(new ScheduleRetryStrategy(DEFAULT, 0.2, () -> 0.999_999).nextDelay(2).orElseThrow())
                .isBetween(Duration.ofMinutes(6).minusMillis(1), Duration.ofMinutes(6));
    }

    @Test
    void shouldRefuseANegativeDelayOrJitterOutOfRange() {
        assertThatThrownBy(() -> new ScheduleRetryStrategy(List.of(-1L), 0, () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScheduleRetryStrategy(DEFAULT, 1.5, () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPickTheLongestTierNotLongerThanTheDelay() {
        assertThat(RetryTiers.tierFor(Duration.ofMillis(200))).isEqualTo("5s");
        assertThat(RetryTiers.tierFor(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(RetryTiers.tierFor(Duration.ofSeconds(59))).isEqualTo("5s");
        assertThat(RetryTiers.tierFor(Duration.ofMinutes(1))).isEqualTo("1m");
        assertThat(RetryTiers.tierFor(Duration.ofMinutes(36))).isEqualTo("30m");
        assertThat(RetryTiers.tierFor(Duration.ofHours(5))).isEqualTo("2h");
        assertThat(RetryTiers.tierFor(Duration.ofHours(12))).isEqualTo("10h");
        assertThat(RetryTiers.tierFor(Duration.ofMillis(-5))).isEqualTo("5s");
    }

    @Test
    void shouldBackOffToATierDelaySoThatAPostponementWaitsInOneTier() {
        assertThat(RetryTiers.backOff(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
        assertThat(RetryTiers.backOff(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        // The next tier is more than twice as long: the tier below.
        assertThat(RetryTiers.backOff(Duration.ofSeconds(8))).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryTiers.backOff(Duration.ofSeconds(29))).isEqualTo(Duration.ofSeconds(5));
        // At most twice as long: the next tier.
        assertThat(RetryTiers.backOff(Duration.ofSeconds(30))).isEqualTo(Duration.ofMinutes(1));
        assertThat(RetryTiers.backOff(Duration.ofSeconds(55))).isEqualTo(Duration.ofMinutes(1));
        assertThat(RetryTiers.backOff(Duration.ofSeconds(96))).isEqualTo(Duration.ofMinutes(1));
        assertThat(RetryTiers.backOff(Duration.ofSeconds(330))).isEqualTo(Duration.ofMinutes(5));
        assertThat(RetryTiers.backOff(Duration.ofMinutes(20))).isEqualTo(Duration.ofMinutes(30));
        assertThat(RetryTiers.backOff(Duration.ofHours(48))).isEqualTo(Duration.ofHours(10));
        for (long seconds = 6; seconds < 200_000; seconds = seconds * 3 / 2) {
            Duration wait = RetryTiers.backOff(Duration.ofSeconds(seconds));
            assertThat(RetryTiers.delayOf(RetryTiers.tierFor(wait))).as("a tier's delay for %d s", seconds)
                    .isEqualTo(wait);
        }
    }

    @Test
    void shouldReadRetryAfterInSecondsOrAsAnHttpDateWithinBounds() {
        assertThat(RetryAfter.parse("2", NOW, MIN, MAX)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse(" 120 ", NOW, MIN, MAX)).contains(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("0", NOW, MIN, MAX)).contains(MIN);
        assertThat(RetryAfter.parse("999999999999999999999", NOW, MIN, MAX)).contains(MAX);
        assertThat(RetryAfter.parse("86400", NOW, MIN, MAX)).contains(MAX);
        assertThat(RetryAfter.parse("Thu, 02 Jan 2025 03:05:05 GMT", NOW, MIN, MAX)).contains(Duration.ofMinutes(1));
        assertThat(RetryAfter.parse("Wed, 01 Jan 2025 03:05:05 GMT", NOW, MIN, MAX)).contains(MIN);
        assertThat(RetryAfter.parse("soon", NOW, MIN, MAX)).isEmpty();
        assertThat(RetryAfter.parse(null, NOW, MIN, MAX)).isEqualTo(Optional.empty());
    }
}
