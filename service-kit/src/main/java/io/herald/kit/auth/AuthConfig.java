package io.herald.kit.auth;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** How bearer tokens are verified. */
@ConfigMapping(prefix = "herald.auth")
public interface AuthConfig {

    /**
     * HS256 shared secret (at least 32 bytes) for local use and tests; env {@code HERALD_AUTH_HS256_SECRET}. Production
     * uses a JWKS URL instead.
     */
    Optional<String> hs256Secret();
}
