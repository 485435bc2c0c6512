package io.herald.dispatch.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bucket;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.DeliveryPolicyConfig;

/**
 * Per-endpoint concurrency cap and rate limit (a Bucket4j token bucket: {@code rate} tokens per second, bursts of
 * {@code rate}). Both are local to the instance owning the endpoint's partition; idle entries are evicted.
 */
@ApplicationScoped
public class EndpointLimits {

    /** What the rate limit says about one request. */
    public sealed interface Pace {
    }

    /** Go now (a token was taken) or after {@code delay} (a token was reserved; the wait is short). */
    public record Go(Duration delay) implements Pace {
    }

    /** No token soon: retry after about {@code after}, nothing reserved. */
    public record Later(Duration after) implements Pace {
    }

    private static final Go NOW = new Go(Duration.ZERO);

    private final Cache<String, Limits> limits;
    private final int defaultRate;
    private final long maxWaitNanos;
    private final int maxInFlight;

    EndpointLimits(DeliveryPolicyConfig config) {
        DeliveryPolicyConfig.Limits limitsConfig = config.limits();
        this.defaultRate = limitsConfig.defaultRatePerSecond();
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(limitsConfig.maxWaitMs());
        this.maxInFlight = limitsConfig.maxInFlightPerEndpoint();
        this.limits = Caffeine.newBuilder().expireAfterAccess(Duration.ofMillis(config.breaker().idleEvictionMs()))
                .build();
    }

    /** Takes one of the endpoint's concurrency slots, unless all are taken; a slot taken must be given back. */
    public boolean tryEnter(String endpointId) {
        AtomicInteger inFlight = limits(endpointId).inFlight;
        while (true) {
            int current = inFlight.get();
            if (current >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void leave(String endpointId) {
        limits(endpointId).inFlight.decrementAndGet();
    }

    /** Deliveries to the endpoint in flight or waiting on this instance. */
    public int inFlight(String endpointId) {
        Limits held = limits.getIfPresent(endpointId);
        return held == null ? 0 : held.inFlight.get();
    }

    /**
     * Asks the endpoint's bucket for one request. A wait up to {@code max-wait-ms} is reserved (the bucket goes into
     * debt, bounded by the concurrency cap); a longer one reserves nothing and says when to come back.
     */
    public Pace pace(EndpointState endpoint) {
        int rate = endpoint.rateLimitPerSecond() != null ? endpoint.rateLimitPerSecond() : defaultRate;
        if (rate <= 0) {
            return NOW;
        }
        Bucket bucket = limits(endpoint.id()).bucket(rate);
        if (bucket.tryConsume(1)) {
            return NOW;
        }
        long wait = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        if (wait > maxWaitNanos) {
            return new Later(Duration.ofNanos(wait));
        }
        return new Go(Duration.ofNanos(bucket.consumeIgnoringRateLimits(1)));
    }

    /** Forgets an endpoint (deleted or disabled). */
    public void forget(String endpointId) {
        Limits held = limits.getIfPresent(endpointId);
        if (held != null && held.inFlight.get() == 0) {
            limits.invalidate(endpointId);
        }
    }

    private Limits limits(String endpointId) {
        return limits.get(endpointId, id -> new Limits());
    }

    private static final class Limits {

        final AtomicInteger inFlight = new AtomicInteger();
        private int rate;
        private Bucket bucket;

        synchronized Bucket bucket(int perSecond) {
            if (bucket == null || rate != perSecond) {
                rate = perSecond;
                bucket = Bucket.builder()
                        .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                        .build();
            }
            return bucket;
        }
    }
}
