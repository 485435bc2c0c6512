package io.herald.kit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TokenCacheTests {

    private static final String SECRET = "unit-test-secret-0123456789abcdef-0123";
    private final JwtVerifier verifier = JwtVerifier.hs256(SECRET);
    private final MutableClock clock = new MutableClock(Instant.now());

    @Test
    void shouldAnswerARepeatedTokenFromTheCache() throws Exception {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ofMinutes(1), 100);
        String token = token(Duration.ofMinutes(10));

        Caller first = cache.verify(token);
        Caller second = cache.verify(token);

        // A verification builds a new Caller; the same instance means the signature was not checked again.
        assertThat(second).isSameAs(first);
        assertThat(second.tenant()).isEqualTo("acme");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void shouldLookUpWithoutVerifyingOnlyTokensItAcceptedWithinTheMaxAge() throws Exception {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ofMinutes(1), 100);
        String token = token(Duration.ofMinutes(10));
        assertThat(cache.cached(token)).isNull();
        assertThat(cache.cached("not-a-jwt")).isNull();

        Caller verified = cache.verify(token);

        assertThat(cache.cached(token)).isSameAs(verified);
        clock.advance(Duration.ofSeconds(61));
        assertThat(cache.cached(token)).isNull();
    }

    @Test
    void shouldVerifyAgainOnceTheMaxAgeHasPassed() throws Exception {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ofMinutes(1), 100);
        String token = token(Duration.ofMinutes(10));
        Caller first = cache.verify(token);

        clock.advance(Duration.ofSeconds(61));

        assertThat(cache.verify(token)).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void shouldNotAnswerFromTheCacheOnceTheTokenExpired() throws Exception {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ofMinutes(1), 100);
        String token = token(Duration.ofSeconds(20));
        Caller first = cache.verify(token);

        clock.advance(Duration.ofSeconds(21));

        // Past exp the cache steps aside and the verifier decides (here on the real time, so it still accepts).
        assertThat(cache.verify(token)).isNotSameAs(first);
    }

    @Test
    void shouldRejectAnExpiredTokenEveryTimeAndNeverStoreIt() {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ofMinutes(1), 100);
        String expired = token(Duration.ofMinutes(-10));

        assertThatThrownBy(() -> cache.verify(expired)).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> cache.verify(expired)).isInstanceOf(AuthenticationException.class);
        assertThat(cache.size()).isZero();
    }

    @Test
    void shouldRejectATokenWithABadSignatureEvenAfterTheGenuineOneWasCached() throws Exception {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ofMinutes(1), 100);
        String token = token(Duration.ofMinutes(10));
        cache.verify(token);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA"
                + token.substring(token.lastIndexOf('.') + 5);

        assertThatThrownBy(() -> cache.verify(forged)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void shouldKeepAtMostTheConfiguredNumberOfTokens() throws Exception {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ofMinutes(1), 3);
        for (int i = 0; i < 20; i++) {
            cache.verify(TokenMinter.hs256(SECRET, "tenant-" + i, Set.of("events:write"), Duration.ofMinutes(10)));
        }

        assertThat(cache.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void shouldVerifyEveryRequestWhenTheMaxAgeIsZero() throws Exception {
        TokenCache cache = new TokenCache(verifier, clock, Duration.ZERO, 100);
        String token = token(Duration.ofMinutes(10));

        assertThat(cache.verify(token)).isNotSameAs(cache.verify(token));
        assertThat(cache.size()).isZero();
    }

    private static String token(Duration ttl) {
        return TokenMinter.hs256(SECRET, "acme", Set.of("events:write"), ttl);
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
