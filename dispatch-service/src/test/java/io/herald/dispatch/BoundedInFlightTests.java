package io.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

class BoundedInFlightTests {

    private final List<UniEmitter<? super Void>> pending = new CopyOnWriteArrayList<>();

    @Test
    void shouldStopTakingRecordsOnceTheirBytesReachTheBudget() {
        Multi<Integer> records = Multi.createFrom().range(0, 1000);

        BoundedInFlight<Integer> inFlight = BoundedInFlight.consume("test", records, 1000, 10_000, r -> 1_000,
                r -> Uni.createFrom().emitter(pending::add));

        // 10 records reach the budget; at most one batch of requests was outstanding past it.
        assertThat(inFlight.items()).isBetween(10, 10 + BoundedInFlight.BATCH);
        assertThat(inFlight.bytes()).isLessThan(10_000 + BoundedInFlight.BATCH * 1_000L);
        int taken = inFlight.items();

        pending.forEach(done -> done.complete(null));

        assertThat(inFlight.items()).isPositive().isLessThanOrEqualTo(taken + BoundedInFlight.BATCH);
        assertThat(pending.size()).isGreaterThan(taken);
    }

    @Test
    void shouldStopTakingRecordsAtTheCountLimitWhateverTheirSize() {
        BoundedInFlight<Integer> inFlight = BoundedInFlight.consume("test", Multi.createFrom().range(0, 1000), 40,
                Long.MAX_VALUE, r -> 1, r -> Uni.createFrom().emitter(pending::add));

        assertThat(inFlight.items()).isEqualTo(40);
    }

    @Test
    void shouldHandleEveryRecordWhenHandlersComplete() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        BoundedInFlight.consume("test", Multi.createFrom().items(IntStream.range(0, 500).boxed()), 8, 100, r -> 30,
                r -> {
                    handled.add(r);
                    return Uni.createFrom().voidItem();
                });

        assertThat(handled).hasSize(500);
    }
}
