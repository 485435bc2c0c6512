package io.herald.subscription.portal;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.kit.problem.Problem.FieldError;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The portal session the current request was made with, if any: {@link PortalTokens} keeps it on the request's
 * {@link SecurityIdentity} when it accepts a portal token; inactive for every other caller. For resource methods with
 * {@code @RolesAllowed}, which run only once the request is authenticated.
 */
@ApplicationScoped
public class PortalSession {

    /** The identity attribute holding the {@link Grant} of a portal token. */
    static final String ATTRIBUTE = PortalSession.class.getName();

    /** What a portal session offers the subscriber: its event types; empty: any (the catalog or free patterns). */
    record Grant(List<String> eventTypes) {

        Grant {
            eventTypes = List.copyOf(eventTypes);
        }
    }

    private final SecurityIdentity identity;

    public PortalSession(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The grant of {@code identity}'s portal token, or null when it was not authenticated with one. */
    static Grant grant(SecurityIdentity identity) {
        return identity.getAttribute(ATTRIBUTE);
    }

    /** Whether the request carries a portal token. */
    public boolean active() {
        return grant(identity) != null;
    }

    /**
     * Adds an error for every requested subscription pattern the session does not offer, when it offers a list; the
     * portal's picker shows only those, so anything else was not chosen in the portal.
     */
    public void checkEventTypes(List<String> requested, List<FieldError> errors) {
        Grant grant = grant(identity);
        if (grant == null || grant.eventTypes().isEmpty() || requested == null) {
            return;
        }
        List<String> eventTypes = grant.eventTypes();
        for (int i = 0; i < requested.size(); i++) {
            if (!eventTypes.contains(requested.get(i))) {
                errors.add(new FieldError("eventTypes[" + i + "]",
                        "this portal session offers only " + String.join(", ", eventTypes)));
            }
        }
    }
}
