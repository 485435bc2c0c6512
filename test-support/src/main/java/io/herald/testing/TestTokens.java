package io.herald.testing;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.herald.kit.auth.Scopes;
import io.herald.kit.auth.TokenMinter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** HS256 tokens for tests, and the test resource that configures services to accept them. */
public class TestTokens implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "herald-test-hs256-secret-0123456789abcdef";

    /** A one-hour token for {@code tenant} with {@code scopes}. */
    public static String token(String tenant, String... scopes) {
        return TokenMinter.hs256(SECRET, tenant, Set.of(scopes), Duration.ofHours(1));
    }

    /** A token with every scope. */
    public static String admin(String tenant) {
        return token(tenant, Scopes.EVENTS_WRITE, Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE,
                Scopes.EVENT_TYPES_WRITE);
    }

    @Override
    public Map<String, String> start() {
        return Map.of("herald.auth.hs256-secret", SECRET);
    }

    @Override
    public void stop() {
    }
}
