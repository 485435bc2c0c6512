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
