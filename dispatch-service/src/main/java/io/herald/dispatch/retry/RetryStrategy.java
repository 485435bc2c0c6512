package io.herald.dispatch.retry;

import java.time.Duration;
import java.util.Optional;

/** When to try a delivery again. */
public interface RetryStrategy {

    /**
     * The delay before the next try of a delivery that failed {@code attempts} times, or empty when it has no try left.
     *
     * @param attempts tries made so far, at least 1
     */
    Optional<Duration> nextDelay(int attempts);
}
