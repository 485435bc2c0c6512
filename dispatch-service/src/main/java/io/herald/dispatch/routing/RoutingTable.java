package io.herald.dispatch.routing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.herald.contracts.messages.EndpointState;
import io.herald.contracts.messages.EventTypePattern;

/**
 * Every endpoint's latest state, by id, and an index from each tenant's subscription patterns to its endpoints, as read
 * from the compacted {@code herald.endpoints} topic. One thread writes (the {@link EndpointStateConsumer}); fan-out and
 * delivery read concurrently.
 * <p>
 * Matching an event costs a few map lookups whatever the number of endpoints: a type {@code a.b.c} can only be matched
 * by the patterns {@code a.b.c}, {@code a.b.*}, {@code a.*} and {@code *} (see {@link EventTypePattern}), so those are
 * the keys looked up in the tenant's index.
 */
@Singleton
public class RoutingTable {

    private final Map<String, EndpointState> byId = new ConcurrentHashMap<>();
    /** Tenant, then subscription pattern, then the ids of the endpoints subscribed with it. */
    private final Map<String, Map<String, Set<String>>> byTenant = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();

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
            unindex(held);
            return true;
        }
        if (held != null && state.version() < held.version()) {
            return false;
        }
        if (held != null) {
            unindex(held);
        }
        byId.put(endpointId, state);
        index(state);
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
        EndpointState off = held.withEnabled(false);
        byId.put(endpointId, off);
        return Optional.of(held);
    }

    /** Called by the {@link EndpointStateConsumer} once the table holds all of {@code herald.endpoints} as at start. */
    void loaded() {
        loaded.complete(null);
    }

    /**
     * Completes, on the routing thread, once the table is loaded: the stages that look endpoints up start only then, or
     * they would take endpoints not yet read for deleted ones. Dependents must not block.
     */
    public CompletionStage<Void> whenLoaded() {
        return loaded;
    }

    public Optional<EndpointState> get(String endpointId) {
        return Optional.ofNullable(byId.get(endpointId));
    }

    /** The tenant's enabled endpoints subscribed to {@code eventType}. */
    public List<EndpointState> matching(String tenant, String eventType) {
        Map<String, Set<String>> patterns = byTenant.get(tenant);
        if (patterns == null) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        addAll(ids, patterns.get(eventType));
        for (int dot = eventType.indexOf('.'); dot >= 0; dot = eventType.indexOf('.', dot + 1)) {
            addAll(ids, patterns.get(eventType.substring(0, dot + 1) + "*"));
        }
        addAll(ids, patterns.get("*"));
        List<EndpointState> matching = new ArrayList<>(ids.size());
        for (String id : ids) {
            EndpointState endpoint = byId.get(id);
            // The index may briefly lag a concurrent update: check the state itself.
            if (endpoint != null && endpoint.enabled() && endpoint.tenant().equals(tenant)
                    && subscribes(endpoint, eventType)) {
                matching.add(endpoint);
            }
        }
        return matching;
    }

    /** Endpoints held, enabled or not. */
    public int size() {
        return byId.size();
    }

    private static void addAll(Set<String> ids, Set<String> more) {
        if (more != null) {
            ids.addAll(more);
        }
    }

    private static boolean subscribes(EndpointState endpoint, String eventType) {
        return endpoint.eventTypes() != null
                && endpoint.eventTypes().stream().anyMatch(p -> EventTypePattern.matches(p, eventType));
    }

    private void index(EndpointState endpoint) {
        if (endpoint.eventTypes() == null) {
            return;
        }
        Map<String, Set<String>> patterns = byTenant.computeIfAbsent(endpoint.tenant(), t -> new ConcurrentHashMap<>());
        for (String pattern : endpoint.eventTypes()) {
            if (pattern != null) {
                patterns.computeIfAbsent(pattern, p -> ConcurrentHashMap.newKeySet()).add(endpoint.id());
            }
        }
    }

    private void unindex(EndpointState endpoint) {
        if (endpoint.eventTypes() == null) {
            return;
        }
        byTenant.computeIfPresent(endpoint.tenant(), (t, patterns) -> {
            for (String pattern : endpoint.eventTypes()) {
                if (pattern != null) {
                    patterns.computeIfPresent(pattern, (p, ids) -> {
                        ids.remove(endpoint.id());
                        return ids.isEmpty() ? null : ids;
                    });
                }
            }
            return patterns.isEmpty() ? null : patterns;
        });
    }
}
