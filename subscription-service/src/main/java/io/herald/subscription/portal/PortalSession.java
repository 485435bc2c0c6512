package io.herald.subscription.portal;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.RequestScoped;

import io.herald.kit.problem.Problem.FieldError;

/**
 * The portal session the current request was made with, if any: set by {@link PortalTokens} when it accepts a portal
 * token; inactive for every other caller.
 */
@RequestScoped
public class PortalSession {

    private String tenant;
    private List<String> eventTypes = List.of();
    private Instant expiresAt;

    void start(String tenant, List<String> eventTypes, Instant expiresAt) {
        this.tenant = tenant;
        this.eventTypes = List.copyOf(eventTypes);
        this.expiresAt = expiresAt;
    }

    /** Whether the request carries a portal token. */
    public boolean active() {
        return tenant != null;
    }

    /** The event types the session offers the subscriber; empty: any (the catalog or free patterns). */
    public List<String> eventTypes() {
        return eventTypes;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * Adds an error for every requested subscription pattern the session does not offer, when it offers a list; the
     * portal's picker shows only those, so anything else was not chosen in the portal.
     */
    public void checkEventTypes(List<String> requested, List<FieldError> errors) {
        if (!active() || eventTypes.isEmpty() || requested == null) {
            return;
        }
        for (int i = 0; i < requested.size(); i++) {
            if (!eventTypes.contains(requested.get(i))) {
                errors.add(new FieldError("eventTypes[" + i + "]",
                        "this portal session offers only " + String.join(", ", eventTypes)));
            }
        }
    }
}
