package io.herald.dispatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomePolicyTests {

    @Test
    void shouldDoubleTheWaitWithEachPostponementUpToTheCap() {
        assertThat(OutcomePolicy.backoffMs(1000, 0, 300_000)).isEqualTo(1000);
        assertThat(OutcomePolicy.backoffMs(1000, 1, 300_000)).isEqualTo(2000);
        assertThat(OutcomePolicy.backoffMs(1000, 5, 300_000)).isEqualTo(32_000);
        assertThat(OutcomePolicy.backoffMs(1000, 9, 300_000)).isEqualTo(300_000);
        assertThat(OutcomePolicy.backoffMs(1000, 1_000, 300_000)).isEqualTo(300_000);
    }

    @Test
    void shouldNeverWaitLessThanTheCauseAsks() {
        assertThat(OutcomePolicy.backoffMs(600_000, 3, 300_000)).isEqualTo(600_000);
    }

    @Test
    void shouldSpreadACrowdedPostponementOverTheWholeBackOff() {
        assertThat(OutcomePolicy.Spread.FULL.waitMs(1000, 0.0)).isEqualTo(100);
        assertThat(OutcomePolicy.Spread.FULL.waitMs(1000, 0.5)).isEqualTo(550);
        assertThat(OutcomePolicy.Spread.FULL.waitMs(1000, 0.999_999)).isEqualTo(1000);
        assertThat(OutcomePolicy.Spread.FULL.waitMs(4000, 0.5)).isEqualTo(2200);
    }

    @Test
    void shouldWaitAtLeastTheBackOffWhenTheCauseNamedATime() {
        assertThat(OutcomePolicy.Spread.TAIL.waitMs(1000, 0.0)).isEqualTo(1000);
        assertThat(OutcomePolicy.Spread.TAIL.waitMs(1000, 0.5)).isEqualTo(1050);
        assertThat(OutcomePolicy.Spread.TAIL.waitMs(1000, 0.999_999)).isEqualTo(1100);
    }
}
