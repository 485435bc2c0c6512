package io.herald.bench.e2e;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Wall-clock microseconds that the load generator writes into each event and the receiver subtracts from its arrival
 * time. Both run in this JVM, so one monotonic clock anchored once to the wall clock serves both without NTP steps.
 */
final class BenchClock {

    private static final long ANCHOR_MICROS = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    private static final long ANCHOR_NANOS = System.nanoTime();

    private BenchClock() {
    }

    static long micros() {
        return ANCHOR_MICROS + (System.nanoTime() - ANCHOR_NANOS) / 1000;
    }

    /** The wall-clock microseconds of a {@link System#nanoTime()} reading. */
    static long microsAt(long nanoTime) {
        return ANCHOR_MICROS + (nanoTime - ANCHOR_NANOS) / 1000;
    }
}
