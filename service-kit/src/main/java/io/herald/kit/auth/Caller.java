package io.herald.kit.auth;

import java.util.Set;

/** Who made a request: the tenant every query is scoped to, and the scopes granted. */
public record Caller(String tenant, Set<String> scopes) {

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
