package io.herald.dispatch.guard;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.herald.dispatch.DeliveryPolicyConfig;
import io.herald.dispatch.operational.EndpointHealthEvents;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * One Resilience4j circuit breaker per endpoint, held by the instance that owns the endpoint's partition.
 * <p>
 * The library's state machine decides: it opens when the failure rate over the last {@code window-size} requests passes
 * {@code failure-rate-percent}, stays open {@code open-ms}, then lets one probe through (half-open) and closes on its
 * success or opens again on its failure. A run of {@code consecutive-failures} failed requests also opens it: the rate
 * window needs {@code minimum-requests} first, and a dead endpoint should not get that many. Breakers idle for
 * {@code idle-eviction-ms} are dropped, so the map does not grow with every endpoint ever seen.
 * <p>
 * A breaker opening is the endpoint failing, and its closing again the endpoint recovering: both are told to the tenant
 * ({@link EndpointHealthEvents}), once per spell (a failed probe re-opening the breaker says nothing new).
 */
@ApplicationScoped
public class EndpointBreakers {

    /** Shortest reschedule after a refusal, so a breaker about to let a probe through is not polled in a loop. */
    private static final Duration MIN_WAIT = Duration.ofMillis(50);

    private static final int PROBE_WAIT_SECONDS = 5;
    /**
     * How long a delivery refused while the probe is out waits: the shortest retry tier's delay, so it costs one record
     * written per delivery every few seconds while a probe lasts (at most the request deadline).
     */
    private static final Duration PROBE_WAIT = Duration.ofSeconds(PROBE_WAIT_SECONDS);

    private final Cache<String, Guard> guards;
    private final CircuitBreakerConfig breakerConfig;
    private final int consecutiveFailures;
    private final Duration open;
    private final MeterRegistry registry;
    private final EndpointHealthEvents health;
    private final FailingEndpoints failing;

    EndpointBreakers(DeliveryPolicyConfig config, MeterRegistry registry, EndpointHealthEvents health,
            FailingEndpoints failing) {
        this.health = health;
        this.failing = failing;
        DeliveryPolicyConfig.Breaker breaker = config.breaker();
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.windowSize()).minimumNumberOfCalls(breaker.minimumRequests())
                .failureRateThreshold(breaker.failureRatePercent())
                .waitDurationInOpenState(Duration.ofMillis(breaker.openMs())).permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false).writableStackTraceEnabled(false).build();
        this.consecutiveFailures = breaker.consecutiveFailures();
        this.open = Duration.ofMillis(breaker.openMs());
        this.guards = Caffeine.newBuilder().expireAfterAccess(Duration.ofMillis(breaker.idleEvictionMs())).build();
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        for (CircuitBreaker.State state : new CircuitBreaker.State[] { CircuitBreaker.State.CLOSED,
                CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN }) {
            Gauge.builder("herald.breaker.endpoints", this, b -> b.countByState().getOrDefault(state, 0))
                    .description("Endpoint circuit breakers held, by state").tag("state", state.name().toLowerCase())
                    .strongReference(true).register(registry);
        }
    }

    /**
     * Asks for permission to send one request to the endpoint: false while the breaker is open, or half-open with its
     * probe already out. A permission granted must end in {@link #succeeded}, {@link #failed} or {@link #release}.
     */
    public boolean tryAcquire(String endpointId) {
        return guard(endpointId).breaker.tryAcquirePermission();
    }

    public void succeeded(String endpointId, long latencyMs) {
        Guard guard = guard(endpointId);
        guard.consecutiveFailures.set(0);
        guard.breaker.onSuccess(latencyMs, TimeUnit.MILLISECONDS);
    }

    public void failed(String endpointId, long latencyMs, String error) {
        Guard guard = guard(endpointId);
        guard.lastError = error;
        guard.breaker.onError(latencyMs, TimeUnit.MILLISECONDS, new RequestFailed(error));
        if (guard.consecutiveFailures.incrementAndGet() >= consecutiveFailures
                && guard.breaker.getState() == CircuitBreaker.State.CLOSED) {
            guard.breaker.transitionToOpenState();
        }
    }

    /** Gives back a permission that was not used for a request (or whose request says nothing about the endpoint). */
    public void release(String endpointId) {
        guard(endpointId).breaker.releasePermission();
    }

    /**
     * How long a delivery refused by the breaker should wait: until the open breaker lets a probe through, or, while
     * the probe is out ({@link #probing}), {@value #PROBE_WAIT_SECONDS} s (at most an open period): a probe that
     * succeeds closes the breaker, and what waited behind it goes out within seconds rather than an open period later.
     * One that fails opens the breaker again, and the deliveries coming back are refused with the new open period.
     */
    public Duration retryAfterRefusal(String endpointId) {
        Guard guard = guard(endpointId);
        if (guard.breaker.getState() != CircuitBreaker.State.OPEN) {
            return open.compareTo(PROBE_WAIT) < 0 ? open : PROBE_WAIT;
        }
        Duration left = openLeft(guard);
        return left.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : left;
    }

    /**
     * How long the endpoint's breaker stays open from now, if it is open and will refuse a request for at least
     * {@code atLeast} more: what fan-out need not send through {@code herald.deliveries} only to be refused (see
     * {@code DeliveryPublisher}). Empty when it is closed, half-open, unknown to this instance, or about to let a probe
     * through.
     */
    public Optional<Duration> openFor(String endpointId, Duration atLeast) {
        Guard guard = guards.getIfPresent(endpointId);
        if (guard == null || guard.breaker.getState() != CircuitBreaker.State.OPEN) {
            return Optional.empty();
        }
        Duration left = openLeft(guard);
        return left.compareTo(atLeast) < 0 ? Optional.empty() : Optional.of(left);
    }

    /** Whether the endpoint's breaker is half-open: its probe request is out, and its outcome will decide. */
    public boolean probing(String endpointId) {
        return state(endpointId) == CircuitBreaker.State.HALF_OPEN;
    }

    public CircuitBreaker.State state(String endpointId) {
        Guard guard = guards.getIfPresent(endpointId);
        return guard == null ? CircuitBreaker.State.CLOSED : guard.breaker.getState();
    }

    /** Forgets an endpoint (deleted or disabled). */
    public void forget(String endpointId) {
        guards.invalidate(endpointId);
    }

    Map<CircuitBreaker.State, Integer> countByState() {
        Map<CircuitBreaker.State, Integer> counts = new EnumMap<>(CircuitBreaker.State.class);
        guards.asMap().values().forEach(g -> counts.merge(g.breaker.getState(), 1, Integer::sum));
        return counts;
    }

    /** How much of the open period is left since the breaker last opened (negative once it has passed). */
    private Duration openLeft(Guard guard) {
        return open.minus(Duration.ofNanos(System.nanoTime() - guard.openedAtNanos));
    }

    private Guard guard(String endpointId) {
        return guards.get(endpointId, id -> new Guard(id, CircuitBreaker.of(id, breakerConfig), health, failing));
    }

    private static final class Guard {

        final CircuitBreaker breaker;
        final AtomicInteger consecutiveFailures = new AtomicInteger();
        volatile long openedAtNanos = System.nanoTime();
        /** The failure last counted, named in the failing event when it opens the breaker. */
        volatile String lastError;
        /** Whether the tenant was told the endpoint is failing, and not yet that it recovered. */
        volatile boolean announcedFailing;

        Guard(String endpointId, CircuitBreaker breaker, EndpointHealthEvents health, FailingEndpoints failing) {
            this.breaker = breaker;
            breaker.getEventPublisher().onStateTransition(e -> {
                CircuitBreaker.State to = e.getStateTransition().getToState();
                if (to == CircuitBreaker.State.OPEN) {
                    openedAtNanos = System.nanoTime();
                    if (!announcedFailing && health != null && health.enabled()) {
                        announcedFailing = true;
                        health.failing(endpointId, failing.since(endpointId), lastError);
                    }
                } else if (to == CircuitBreaker.State.CLOSED) {
                    consecutiveFailures.set(0);
                    if (announcedFailing) {
                        announcedFailing = false;
                        health.recovered(endpointId, failing.since(endpointId));
                    }
                }
            });
        }
    }

    /** What the breaker counts as a failure: the request's outcome, not an exception anyone threw. */
    static final class RequestFailed extends RuntimeException {

        RequestFailed(String error) {
            super(error, null, false, false);
        }
    }
}
