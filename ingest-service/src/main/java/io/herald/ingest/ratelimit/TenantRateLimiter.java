package io.herald.ingest.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.herald.ingest.IngestConfig;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * One Bucket4j token bucket per tenant and ingest instance: {@code per-second} tokens refilled continuously, bursts up
 * to the same number, one token per event. Past it the request is refused with 429 and a {@code Retry-After} saying
 * when enough tokens will be back. Limits are per instance: with N replicas a tenant gets up to N times its limit.
 */
@ApplicationScoped
public class TenantRateLimiter {

    /** A full bucket behaves exactly like a new one, so idle tenants' buckets are dropped this often. */
    private static final Duration EVICTION_INTERVAL = Duration.ofMinutes(1);

    private final long defaultPerSecond;
    private final Map<String, Long> perTenant;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TenantRateLimiter(IngestConfig config) {
        this.defaultPerSecond = config.rateLimit().defaultPerSecond();
        Map<String, Long> overrides = new ConcurrentHashMap<>();
        config.rateLimit().tenants().forEach((tenant, limit) -> overrides.put(tenant, limit.perSecond()));
        this.perTenant = Map.copyOf(overrides);
    }

    void scheduleEviction(@Observes StartupEvent event, Vertx vertx) {
        vertx.setPeriodic(EVICTION_INTERVAL.toMillis(), id -> evictIdle());
    }

    /** Events per second {@code tenant} may publish; 0 when unlimited. */
    public long limitOf(String tenant) {
        return perTenant.getOrDefault(tenant, defaultPerSecond);
    }

    /** Takes {@code events} tokens from the tenant's bucket, or throws a 429 problem with {@code Retry-After}. */
    public void acquire(String tenant, int events) {
        long limit = limitOf(tenant);
        if (limit <= 0) {
            return;
        }
        if (events > limit) {
            // Waiting would never help: no bucket holds that many tokens.
            throw ProblemException.badRequest("A batch of " + events + " events exceeds the tenant's limit of " + limit
                    + " events per second; send smaller batches");
        }
        Bucket bucket = buckets.computeIfAbsent(tenant, t -> newBucket(limit));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(events);
        if (!probe.isConsumed()) {
            throw tooManyRequests("The tenant's limit of " + limit + " events per second is exhausted",
                    Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    /** Drops the buckets that are full again (their tenants were idle): memory stays bounded by active tenants. */
    void evictIdle() {
        buckets.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= limitOf(e.getKey()));
    }

    int bucketCount() {
        return buckets.size();
    }

    private static Bucket newBucket(long perSecond) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1))).build();
    }

    private static ProblemException tooManyRequests(String detail, Duration retryAfter) {
        return new ProblemException(
                new Problem("urn:herald:problem:rate-limited", "Too many requests", 429, detail, null), retryAfter);
    }
}
