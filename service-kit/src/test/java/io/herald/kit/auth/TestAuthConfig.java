package io.herald.kit.auth;

import java.util.Optional;

/** An {@link AuthConfig} for tests: the given sources and token rules, the defaults for the rest. */
record TestAuthConfig(Optional<String> hs256Secret, Optional<String> jwksUrl, Optional<String> issuer,
        Optional<String> audience, boolean requireIssuerAndAudience, long maxTokenLifetimeSeconds)
        implements AuthConfig {

    @Override
    public long jwksCacheTtlMs() {
        return 300_000;
    }

    @Override
    public long jwksRefreshMinIntervalMs() {
        return 30_000;
    }

    @Override
    public long jwksFetchTimeoutMs() {
        return 5_000;
    }

    @Override
    public long tokenCacheMaxAgeMs() {
        return 60_000;
    }

    @Override
    public long tokenCacheMaxTokens() {
        return 10_000;
    }
}
