package io.herald.kit.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The authenticated caller of the current request: the {@link Caller} {@link BearerIdentityProvider} put on its
 * {@link SecurityIdentity}. For resource methods with {@code @RolesAllowed}, which run only once the request is
 * authenticated and its scope checked.
 */
@ApplicationScoped
public class CurrentCaller {

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller; an anonymous request (a method without {@code @RolesAllowed} asking) answers 401. */
    public Caller get() {
        Caller caller = identity.getAttribute(BearerIdentityProvider.CALLER);
        if (caller == null) {
            throw new UnauthorizedException();
        }
        return caller;
    }
}
