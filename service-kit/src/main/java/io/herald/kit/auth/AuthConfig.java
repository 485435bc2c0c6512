package io.herald.kit.auth;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How bearer tokens are verified. At least one of {@link #hs256Secret()} and {@link #jwksUrl()} must be set. */
@ConfigMapping(prefix = "herald.auth")
public interface AuthConfig {

    /**
     * HS256 shared secret (at least 32 bytes) for local use and tests; env {@code HERALD_AUTH_HS256_SECRET}. Production
     * uses a JWKS URL instead.
     */
    Optional<String> hs256Secret();

    /**
     * URL of the identity provider's JWK set, for RS256/ES256 tokens; env {@code HERALD_AUTH_JWKS_URL}. With it unset,
     * only HS256 tokens are accepted; with the secret unset, HS256 tokens are rejected.
     */
    Optional<String> jwksUrl();

    /** When set, tokens must carry exactly this {@code iss}; env {@code HERALD_AUTH_ISSUER}. */
    Optional<String> issuer();

    /** When set, tokens' {@code aud} must include this value; env {@code HERALD_AUTH_AUDIENCE}. */
    Optional<String> audience();

    /**
     * Whether {@link #issuer()} and {@link #audience()} must both be set: the start fails with a message naming them
     * otherwise. True by default (production); the dev and test profiles and the local launcher turn it off explicitly.
     * Env {@code HERALD_AUTH_REQUIRE_ISSUER_AND_AUDIENCE}.
     */
    @WithDefault("true")
    boolean requireIssuerAndAudience();

    /**
     * Longest lifetime a token may have, {@code exp - iat}, in seconds; a token over it, or without {@code iat}, is
     * refused (401). 0 sets no limit. Env {@code HERALD_AUTH_MAX_TOKEN_LIFETIME_SECONDS}.
     */
    @WithDefault("86400")
    long maxTokenLifetimeSeconds();

    /** How long fetched JWKS keys are used before they are fetched again, in ms. */
    @WithDefault("300000")
    long jwksCacheTtlMs();

    /**
     * Window of the JWKS fetch rate limit, in ms: at most two fetches per window, however many unknown {@code kid}s
     * arrive.
     */
    @WithDefault("30000")
    long jwksRefreshMinIntervalMs();

    /** Connect and read timeout of one JWKS fetch, in ms (a fetch happens only on a cache miss or unknown kid). */
    @WithDefault("2000")
    long jwksFetchTimeoutMs();

    /**
     * How long an accepted token is trusted without verifying it again, in ms, at most (never past its {@code exp}); a
     * key withdrawn from the JWKS stops being honoured within this time. 0 verifies every request.
     */
    @WithDefault("60000")
    long tokenCacheMaxAgeMs();

    /** Most accepted tokens remembered at once (each costs about the size of the token). */
    @WithDefault("10000")
    long tokenCacheMaxTokens();
}
