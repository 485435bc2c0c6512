package io.herald.kit.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.herald.kit.auth.JwtVerifier.VerifiedToken;

/**
 * Tokens that passed verification, by their exact text: a producer sends the same token with every request, and
 * checking its signature and parsing its header and claims again each time was about a tenth of ingest's CPU per event.
 * <ul>
 * <li>An entry answers only before the token's {@code exp} (read from the injected clock) and never longer than
 * {@code maxAge} after it was verified, so a key withdrawn from the JWKS stops being honoured within {@code maxAge}.
 * Past either, the token is verified again in full, and refused if it expired.</li>
 * <li>Only accepted tokens are stored: a bad token is checked, and refused, every time.</li>
 * <li>At most {@code maxSize} tokens are kept (Caffeine's size-based eviction); expired entries are dropped by Caffeine
 * as well, so memory stays bounded whatever tokens arrive.</li>
 * </ul>
 */
final class TokenCache {

    private final JwtVerifier verifier;
    private final Clock clock;
    private final Duration maxAge;
    private final Cache<String, Entry> entries;

    private record Entry(Caller caller, Instant validUntil) {
    }

    /** Caches what {@code verifier} accepts; {@code maxAge} zero (or {@code maxSize} zero) caches nothing. */
    TokenCache(JwtVerifier verifier, Clock clock, Duration maxAge, long maxSize) {
        this.verifier = verifier;
        this.clock = clock;
        this.maxAge = maxAge;
        this.entries = maxAge.isZero() || maxSize <= 0 ? null
                : Caffeine.newBuilder().maximumSize(maxSize)
                        // Frees memory only; whether an entry may answer is decided on the clock in verify().
                        .expireAfter(Expiry.<String, Entry> creating(
                                (token, entry) -> positive(Duration.between(clock.instant(), entry.validUntil()))))
                        // Maintenance on the calling thread: no tasks on the common pool.
                        .executor(Runnable::run).build();
    }

    /** The caller of {@code token} while its entry is valid, else null; never verifies. */
    Caller cached(String token) {
        if (entries == null) {
            return null;
        }
        Entry cached = entries.getIfPresent(token);
        return cached != null && clock.instant().isBefore(cached.validUntil()) ? cached.caller() : null;
    }

    /** The caller of {@code token}, from the cache while its entry is valid, else verified (and cached if accepted). */
    Caller verify(String token) throws AuthenticationException {
        if (entries == null) {
            return verifier.verify(token);
        }
        Caller cached = cached(token);
        if (cached != null) {
            return cached;
        }
        Instant now = clock.instant();
        VerifiedToken verified = verifier.verifyToken(token);
        Instant cap = now.plus(maxAge);
        Instant validUntil = verified.expiresAt().isBefore(cap) ? verified.expiresAt() : cap;
        if (now.isBefore(validUntil)) {
            entries.put(token, new Entry(verified.caller(), validUntil));
        }
        return verified.caller();
    }

    /** Tokens held right now (after pending evictions); for tests. */
    long size() {
        if (entries == null) {
            return 0;
        }
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
