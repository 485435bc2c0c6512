package io.herald.dispatch.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Caffeine;

import io.herald.contracts.messages.DeliveryMessage;
import io.herald.dispatch.DeliveryPolicyConfig;

/**
 * Since when every request to an endpoint has failed, for auto-disable. Held in memory, and made durable by the retries
 * themselves: each delivery handed to a retry tier carries its endpoint's failing-since instant
 * ({@link DeliveryMessage#failingSince()}), and reading one back teaches it to whichever instance reads it, after a
 * restart or a rebalance too. A failing endpoint always has retries in flight, so its failing time is learned back
 * before its next failure is judged.
 * <p>
 * Both maps are bounded: an endpoint's failing-since is dropped after it went unused for the breakers' idle time (a
 * retry record brings it back), its last success after two days (longer than any retry delay, so no stale stamp can
 * come back after it), and neither holds more than {@link #MAX_ENDPOINTS} entries.
 */
@ApplicationScoped
public class FailingEndpoints {

    static final long MAX_ENDPOINTS = 1_000_000;

    private final Map<String, Instant> failingSince;
    /** Last success per endpoint: a retry stamped before it comes from a failing spell that has ended. */
    private final Map<String, Instant> succeededAt;

    @Inject
    FailingEndpoints(DeliveryPolicyConfig config) {
        this(Duration.ofMillis(config.breaker().idleEvictionMs()));
    }

    FailingEndpoints() {
        this(Duration.ofHours(1));
    }

    FailingEndpoints(Duration idleEviction) {
        this.failingSince = Caffeine.newBuilder().expireAfterAccess(idleEviction).maximumSize(MAX_ENDPOINTS)
                .<String, Instant> build().asMap();
        this.succeededAt = Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(2)).maximumSize(MAX_ENDPOINTS)
                .<String, Instant> build().asMap();
    }

    /** Endpoints known to be failing. */
    public int failingCount() {
        return failingSince.size();
    }

    /** A request succeeded: the endpoint is not failing. */
    public void succeeded(String endpointId, Instant at) {
        failingSince.remove(endpointId);
        succeededAt.put(endpointId, at);
    }

    /** A request failed at {@code at}; returns since when the endpoint has been failing, this failure included. */
    public Instant failed(String endpointId, Instant at) {
        return failingSince.computeIfAbsent(endpointId, id -> at);
    }

    /**
     * What a retry record says: keeps the earlier of what is known and {@code stampedSince}, unless a success seen
     * since then makes the stamp stale. Null stamps teach nothing.
     */
    public void learn(String endpointId, Instant stampedSince) {
        if (stampedSince == null) {
            return;
        }
        Instant success = succeededAt.get(endpointId);
        if (success != null && !stampedSince.isAfter(success)) {
            return;
        }
        failingSince.merge(endpointId, stampedSince, (known, stamped) -> stamped.isBefore(known) ? stamped : known);
    }

    /** Since when the endpoint has been failing, or null when it is not known to be failing. */
    public Instant since(String endpointId) {
        return failingSince.get(endpointId);
    }

    /** The endpoint was disabled: its failing spell is over. */
    public void forget(String endpointId) {
        failingSince.remove(endpointId);
    }
}
