package io.herald.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a {@link HeraldClient} retries what can safely be retried: answers 429 and 503 (Herald
 * did not do it), 409 of a publish whose Idempotency-Key is still in progress, and - for operations that are safe to
 * repeat - requests that got no answer. The wait doubles from {@code initialBackoff} up to {@code maxBackoff}, with
 * jitter; a server's {@code Retry-After} is honoured, and one longer than {@code maxBackoff} ends the retries.
 *
 * @param maxAttempts tries in all, the first included (1: never retry)
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait between two tries
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** 4 tries, waits from 200 ms up to 10 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /** One try: every failure reaches the caller at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The wait before try {@code nextAttempt} (2 for the first retry): {@code retryAfter} if the server gave one, else
     * exponential with jitter (between half and all of the doubled backoff).
     */
    Duration backoff(int nextAttempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter;
        }
        long base = initialBackoff.toMillis() << Math.min(nextAttempt - 2, 20);
        long capped = Math.min(Math.max(base, 0), maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
