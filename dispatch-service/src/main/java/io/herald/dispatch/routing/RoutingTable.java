package io.herald.dispatch.routing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventTypePattern;

/**
 * Every endpoint's latest state, by id and by tenant, as read from the compacted {@code herald.endpoints} topic. One
 * thread writes (the {@link EndpointStateConsumer}); fan-out and delivery read concurrently.
 */
@Singleton
public class RoutingTable {

    private final Map<String, EndpointState> byId = new ConcurrentHashMap<>();
    private final Map<String, Map<String, EndpointState>> byTenant = new ConcurrentHashMap<>();

    /**
     * Applies one record of {@code herald.endpoints}: a state replaces the one held unless it is older (a lower
     * {@code version}); a null state (tombstone) removes the endpoint.
     *
     * @return whether the table changed
     */
    public synchronized boolean apply(String endpointId, EndpointState state) {
        EndpointState held = byId.get(endpointId);
        if (state == null) {
            if (held == null) {
                return false;
            }
            byId.remove(endpointId);
            removeFromTenant(held.tenant(), endpointId);
            return true;
        }
        if (held != null && state.version() < held.version()) {
            return false;
        }
        if (held != null && !held.tenant().equals(state.tenant())) {
            removeFromTenant(held.tenant(), endpointId);
        }
        byId.put(endpointId, state);
        byTenant.computeIfAbsent(state.tenant(), t -> new ConcurrentHashMap<>()).put(endpointId, state);
        return true;
    }

    /**
     * Marks an endpoint disabled at once, ahead of its disabled state arriving on {@code herald.endpoints} (which, with
     * a higher version, then replaces this one).
     *
     * @return the state held before, if this call disabled it; empty if unknown or already disabled
     */
    public synchronized Optional<EndpointState> disable(String endpointId) {
        EndpointState held = byId.get(endpointId);
        if (held == null || !held.enabled()) {
            return Optional.empty();
        }
        EndpointState off = new EndpointState(held.schemaVersion(), held.id(), held.tenant(), held.url(),
                held.eventTypes(), false, held.secrets(), held.version(), held.updatedAt(), held.headers(),
                held.rateLimitPerSecond(), held.retryScheduleMs(), held.filter());
        byId.put(endpointId, off);
        byTenant.computeIfAbsent(off.tenant(), t -> new ConcurrentHashMap<>()).put(endpointId, off);
        return Optional.of(held);
    }

    public Optional<EndpointState> get(String endpointId) {
        return Optional.ofNullable(byId.get(endpointId));
    }

    /** The tenant's enabled endpoints subscribed to {@code eventType}. */
    public List<EndpointState> matching(String tenant, String eventType) {
        Map<String, EndpointState> endpoints = byTenant.get(tenant);
        if (endpoints == null) {
            return List.of();
        }
        return endpoints.values().stream().filter(EndpointState::enabled).filter(e -> subscribes(e, eventType))
                .toList();
    }

    /** Endpoints held, enabled or not. */
    public int size() {
        return byId.size();
    }

    private static boolean subscribes(EndpointState endpoint, String eventType) {
        return endpoint.eventTypes() != null
                && endpoint.eventTypes().stream().anyMatch(p -> EventTypePattern.matches(p, eventType));
    }

    private void removeFromTenant(String tenant, String endpointId) {
        byTenant.computeIfPresent(tenant, (t, endpoints) -> {
            endpoints.remove(endpointId);
            return endpoints.isEmpty() ? null : endpoints;
        });
    }
}
