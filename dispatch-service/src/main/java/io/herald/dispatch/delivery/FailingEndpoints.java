package io.herald.dispatch.delivery;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.herald.contracts.messages.DeliveryMessage;

/**
 * Since when every request to an endpoint has failed, for auto-disable. Held in memory, and made durable by the retries
 * themselves: each delivery handed to a retry tier carries its endpoint's failing-since instant
 * ({@link DeliveryMessage#failingSince()}), and reading one back teaches it to whichever instance reads it, after a
 * restart or a rebalance too. A failing endpoint always has retries in flight, so its failing time is learned back
 * before its next failure is judged.
 */
class FailingEndpoints {

    private final Map<String, Instant> failingSince = new ConcurrentHashMap<>();
    /** Last success per endpoint: a retry stamped before it comes from a failing spell that has ended. */
    private final Map<String, Instant> succeededAt = new ConcurrentHashMap<>();

    /** A request succeeded: the endpoint is not failing. */
    void succeeded(String endpointId, Instant at) {
        failingSince.remove(endpointId);
        succeededAt.put(endpointId, at);
    }

    /** A request failed at {@code at}; returns since when the endpoint has been failing, this failure included. */
    Instant failed(String endpointId, Instant at) {
        return failingSince.computeIfAbsent(endpointId, id -> at);
    }

    /**
     * What a retry record says: keeps the earlier of what is known and {@code stampedSince}, unless a success seen
     * since then makes the stamp stale. Null stamps teach nothing.
     */
    void learn(String endpointId, Instant stampedSince) {
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
    Instant since(String endpointId) {
        return failingSince.get(endpointId);
    }

    /** The endpoint was disabled: its failing spell is over. */
    void forget(String endpointId) {
        failingSince.remove(endpointId);
    }
}
