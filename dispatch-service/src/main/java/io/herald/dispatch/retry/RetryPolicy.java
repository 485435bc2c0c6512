package io.herald.dispatch.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.DeliveryPolicyConfig;

/** The retry strategy of each endpoint (its own schedule, else the configured one) and the bounds of Retry-After. */
@ApplicationScoped
public class RetryPolicy {

    private final DeliveryPolicyConfig.Retry config;
    private final RetryStrategy defaultStrategy;

    RetryPolicy(DeliveryPolicyConfig config) {
        this.config = config.retry();
        this.defaultStrategy = schedule(this.config.scheduleMs().stream().toList());
    }

    public RetryStrategy strategyFor(EndpointState endpoint) {
        if (endpoint.retryScheduleMs() == null) {
            return defaultStrategy;
        }
        try {
            return schedule(endpoint.retryScheduleMs());
        } catch (IllegalArgumentException e) {
            // Subscription validates schedules; a record that slipped through still gets the default rather than none.
            return defaultStrategy;
        }
    }

    /** The wait a {@code Retry-After} header asks for, within the configured bounds; empty without a usable header. */
    public Optional<Duration> retryAfter(String header, Instant now) {
        return RetryAfter.parse(header, now, Duration.ofMillis(config.retryAfterMinMs()),
                Duration.ofMillis(config.retryAfterMaxMs()));
    }

    private RetryStrategy schedule(java.util.List<Long> scheduleMs) {
        return new ScheduleRetryStrategy(scheduleMs, config.jitter(), () -> ThreadLocalRandom.current().nextDouble());
    }
}
