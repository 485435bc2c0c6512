package io.herald.dispatch.guard;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bucket;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.smallrye.mutiny.Uni;

/**
 * Per-endpoint concurrency cap (with a short, bounded queue for a slot) and rate limit (a Bucket4j token bucket:
 * {@code rate} tokens per second, bursts of {@code rate}). Both are local to the instance owning the endpoint's
 * partition; idle entries are evicted.
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

    /**
     * Takes one of the endpoint's concurrency slots: at once if one is free, else after waiting up to
     * {@code max-wait-ms} behind at most {@code max-in-flight-per-endpoint} other waiting deliveries (so one endpoint
     * holds at most twice its cap of the instance's delivery slots). Completes with false when no slot came: the caller
     * reschedules. A slot taken must be given back with {@link #leave}.
     */
    public Uni<Boolean> enter(String endpointId) {
        Limits held = limits(endpointId);
        CompletableFuture<Boolean> slot = held.enterOrQueue(maxInFlight);
        if (slot == null) {
            return Uni.createFrom().item(false);
        }
        if (slot.isDone()) {
            return Uni.createFrom().item(true);
        }
        // A copy: giving up cancels what the Uni waits on, and the queued future must stay completable.
        return Uni.createFrom().completionStage(slot.copy()).ifNoItem().after(Duration.ofNanos(maxWaitNanos))
                .recoverWithItem(() -> held.abandon(slot));
    }

    /** Gives a slot back, to the longest-waiting delivery if any. */
    public void leave(String endpointId) {
        limits(endpointId).leave();
    }

    /** Deliveries to the endpoint in flight or waiting on this instance. */
    public int inFlight(String endpointId) {
        Limits held = limits.getIfPresent(endpointId);
        return held == null ? 0 : held.inFlight();
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
        if (held != null && held.inFlight() == 0) {
            limits.invalidate(endpointId);
        }
    }

    private Limits limits(String endpointId) {
        return limits.get(endpointId, id -> new Limits());
    }

    private static final class Limits {

        private final Queue<CompletableFuture<Boolean>> waiting = new ArrayDeque<>();
        private int inFlight;
        private int rate;
        private Bucket bucket;

        synchronized int inFlight() {
            return inFlight + waiting.size();
        }

        /** A completed future when a slot is free, a pending one queued for the next free slot, null when full. */
        synchronized CompletableFuture<Boolean> enterOrQueue(int cap) {
            if (inFlight < cap) {
                inFlight++;
                return CompletableFuture.completedFuture(true);
            }
            if (waiting.size() >= cap) {
                return null;
            }
            CompletableFuture<Boolean> slot = new CompletableFuture<>();
            waiting.add(slot);
            return slot;
        }

        /** The wait ran out: leave the queue, unless a slot was handed over meanwhile. */
        synchronized boolean abandon(CompletableFuture<Boolean> slot) {
            if (slot.complete(false)) {
                waiting.remove(slot);
                return false;
            }
            return slot.join();
        }

        synchronized void leave() {
            CompletableFuture<Boolean> next = waiting.poll();
            if (next == null) {
                inFlight--;
            } else {
                // The slot passes to the waiter; it cannot have given up: abandon() leaves the queue under this lock.
                next.complete(true);
            }
        }

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
