package io.herald.kit.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens a service issues itself, besides those of the configured identity provider (for example the
 * subscription service's portal sessions). {@link BearerIdentityProvider} asks every such bean first; a token none of
 * them claims goes to the configured verifier. A service without such beans (ingest) accepts only the identity
 * provider's tokens.
 */
public interface IssuedTokenVerifier {

    /**
     * What {@code token} grants if it is one of this verifier's tokens, empty if it is not.
     *
     * @throws AuthenticationException if it is one of this verifier's tokens but invalid (bad signature, expired, ...)
     */
    Optional<Issued> verify(String token) throws AuthenticationException;

    /**
     * An accepted token: its caller, and what else the service keeps of it for the request, as attributes of the
     * request's {@code SecurityIdentity}.
     */
    record Issued(Caller caller, Map<String, Object> attributes) {
    }
}
