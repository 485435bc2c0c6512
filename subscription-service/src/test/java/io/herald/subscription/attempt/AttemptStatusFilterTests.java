package io.herald.subscription.attempt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.contracts.messages.AttemptOutcome;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.attempt.AttemptStatusFilter.HttpStatusRange;
import io.herald.subscription.paging.KeysetCursor;

class AttemptStatusFilterTests {

    @Test
    void shouldSplitOutcomesFromHttpStatusesAcrossCommasAndRepeats() {
        AttemptStatusFilter filter = AttemptStatusFilter.parse(List.of("succeeded, 5xx", "RETRY_SCHEDULED,404"));

        assertThat(filter.outcomes()).containsExactly(AttemptOutcome.SUCCEEDED, AttemptOutcome.RETRY_SCHEDULED);
        assertThat(filter.httpStatuses()).containsExactly(new HttpStatusRange(500, 599), new HttpStatusRange(404, 404));
    }

    @Test
    void shouldMatchAnythingWithoutValues() {
        assertThat(AttemptStatusFilter.parse(null)).isEqualTo(AttemptStatusFilter.ANY);
        assertThat(AttemptStatusFilter.parse(List.of(" , "))).isEqualTo(AttemptStatusFilter.ANY);
    }

    @Test
    void shouldRefuseUnknownValuesWithAProblem() {
        for (String bad : List.of("failed", "6xx", "600", "2x", "99")) {
            assertThatThrownBy(() -> AttemptStatusFilter.parse(List.of(bad))).as(bad)
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).problem().status()).isEqualTo(400));
        }
    }

    @Test
    void shouldRoundTripACursorAndRefuseForgedOnes() {
        KeysetCursor cursor = KeysetCursor.after(Instant.parse("2026-11-22T10:15:30.123456789Z"), "evt_1.ep_2.3");

        KeysetCursor decoded = KeysetCursor.decode(cursor.encode());

        assertThat(decoded).isEqualTo(cursor);
        assertThat(decoded.time()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123456Z"));
        assertThat(KeysetCursor.decode(null)).isNull();
        for (String bad : List.of("%%%", "MjoxOmE", "MTp4OmE", "MToxOg")) {
            assertThatThrownBy(() -> KeysetCursor.decode(bad)).as(bad).isInstanceOf(ProblemException.class);
        }
    }
}
