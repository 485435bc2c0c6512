package io.herald.dispatch.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class FailingEndpointsTests {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void shouldForgetAnEndpointUnusedForTheIdleTime() throws InterruptedException {
        FailingEndpoints failing = new FailingEndpoints(Duration.ofMillis(50));
        failing.failed("idle", T0);
        failing.failed("busy", T0);

        for (int i = 0; i < 6; i++) {
            Thread.sleep(20);
            failing.since("busy");
        }

        assertThat(failing.since("idle")).isNull();
        assertThat(failing.since("busy")).isEqualTo(T0);
    }

    @Test
    void shouldCountFromTheFirstFailureAfterASuccess() {
        FailingEndpoints failing = new FailingEndpoints();

        failing.succeeded("ep", T0);
        assertThat(failing.failed("ep", T0.plusSeconds(10))).isEqualTo(T0.plusSeconds(10));
        assertThat(failing.failed("ep", T0.plusSeconds(20))).isEqualTo(T0.plusSeconds(10));
        failing.succeeded("ep", T0.plusSeconds(30));
        assertThat(failing.since("ep")).isNull();
        assertThat(failing.failed("ep", T0.plusSeconds(40))).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void shouldCountFromTheStampOfARetryReadAfterARestart() {
        // A fresh tracker is what a restarted instance has: it never saw the endpoint fail.
        FailingEndpoints restarted = new FailingEndpoints();
        Instant now = T0.plus(Duration.ofDays(5));

        restarted.learn("ep", T0);

        assertThat(restarted.since("ep")).isEqualTo(T0);
        assertThat(Duration.between(restarted.failed("ep", now), now)).isEqualTo(Duration.ofDays(5));
    }

    @Test
    void shouldKeepTheEarlierOfWhatItKnowsAndWhatARetrySays() {
        FailingEndpoints failing = new FailingEndpoints();
        failing.failed("ep", T0.plusSeconds(100));

        failing.learn("ep", T0);
        failing.learn("ep", T0.plusSeconds(50));
        failing.learn("ep", null);

        assertThat(failing.since("ep")).isEqualTo(T0);
        assertThat(failing.since("other")).isNull();
    }

    @Test
    void shouldIgnoreAStampFromAFailingSpellThatASuccessEnded() {
        FailingEndpoints failing = new FailingEndpoints();
        failing.succeeded("ep", T0.plusSeconds(60));

        failing.learn("ep", T0);
        assertThat(failing.since("ep")).isNull();

        failing.learn("ep", T0.plusSeconds(61));
        assertThat(failing.since("ep")).isEqualTo(T0.plusSeconds(61));
    }

    @Test
    void shouldForgetAnEndpointOnceDisabled() {
        FailingEndpoints failing = new FailingEndpoints();
        failing.failed("ep", T0);

        failing.forget("ep");

        assertThat(failing.since("ep")).isNull();
        assertThat(failing.failed("ep", T0.plusSeconds(1))).isEqualTo(T0.plusSeconds(1));
    }
}
