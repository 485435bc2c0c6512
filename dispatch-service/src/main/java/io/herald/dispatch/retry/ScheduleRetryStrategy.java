package io.herald.dispatch.retry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * A fixed schedule of delays, one per retry, each moved randomly by up to {@code jitter} of itself either way so that
 * deliveries failing together do not come back together.
 */
public final class ScheduleRetryStrategy implements RetryStrategy {

    private final List<Long> scheduleMs;
    private final double jitter;
    private final DoubleSupplier random;

    /**
     * @param scheduleMs delay before each retry, in milliseconds; its length is the number of retries
     * @param jitter fraction of each delay added or removed at random, 0 to 1
     * @param random uniform values in [0, 1)
     */
    public ScheduleRetryStrategy(List<Long> scheduleMs, double jitter, DoubleSupplier random) {
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
        if (scheduleMs.stream().anyMatch(ms -> ms == null || ms < 0)) {
            throw new IllegalArgumentException("retry delays must be positive, were " + scheduleMs);
        }
        this.scheduleMs = List.copyOf(scheduleMs);
        this.jitter = jitter;
        this.random = random;
    }

    @Override
    public Optional<Duration> nextDelay(int attempts) {
        int retry = attempts - 1;
        if (retry < 0 || retry >= scheduleMs.size()) {
            return Optional.empty();
        }
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Optional.of(Duration.ofMillis(Math.round(scheduleMs.get(retry) * factor)));
    }

    /** Retries this strategy allows after the first try. */
    public int retries() {
        return scheduleMs.size();
    }
}
