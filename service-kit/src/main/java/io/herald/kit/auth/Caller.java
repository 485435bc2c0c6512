package io.herald.kit.auth;

import java.util.Set;

/**
 * Who made a request: the tenant every query is scoped to, and the scopes granted (the roles of its
 * {@code SecurityIdentity}, checked with {@code @RolesAllowed}).
 */
public record Caller(String tenant, Set<String> scopes) {
}
