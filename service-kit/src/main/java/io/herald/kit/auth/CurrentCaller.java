package io.herald.kit.auth;

import jakarta.enterprise.context.RequestScoped;

import io.herald.kit.problem.ProblemException;

/** The authenticated caller of the current request, set by {@link BearerAuthFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The caller, who must hold {@code scope}; otherwise 403 (or 401 if the request was not authenticated). */
    /** The caller, if its token grants at least one of {@code scopes}; 401 or 403 otherwise. */
    public Caller requireAny(String... scopes) {
        if (caller == null) {
            throw ProblemException.unauthorized("Authentication required");
        }
        for (String scope : scopes) {
            if (caller.hasScope(scope)) {
                return caller;
            }
        }
        throw ProblemException.forbidden("The token lacks one of the scopes " + String.join(", ", scopes));
    }

    public Caller require(String scope) {
        if (caller == null) {
            throw ProblemException.unauthorized("Authentication required");
        }
        if (!caller.hasScope(scope)) {
            throw ProblemException.forbidden("The token lacks the scope '" + scope + "'");
        }
        return caller;
    }
}
