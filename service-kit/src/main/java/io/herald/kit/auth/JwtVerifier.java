package io.herald.kit.auth;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies bearer JWTs with Nimbus JOSE+JWT and returns the {@link Caller}. Only the configured algorithms are
 * accepted: HS256 with the shared secret, and/or RS256/ES256 with the keys of a JWKS URL. An unsigned {@code alg: none}
 * token, any other algorithm, or an algorithm whose key source is not configured (an HS256 token when only a JWKS is
 * set) fails. {@code exp} and {@code tenant} are required, and {@code exp}/{@code nbf} are checked with Nimbus' default
 * clock skew.
 */
public final class JwtVerifier {

    public static final String TENANT_CLAIM = "tenant";
    public static final String SCOPE_CLAIM = "scope";
    /** What a {@code tenant} claim may be: it names rows, topics' records and metrics, so nothing exotic. */
    public static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_HS256_SECRET_BYTES = 32;

    /** The asymmetric algorithms accepted with keys from a JWKS URL. */
    public static final Set<JWSAlgorithm> JWKS_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Duration maxLifetime;

    private JwtVerifier(DefaultJWTProcessor<SecurityContext> processor, Duration maxLifetime) {
        this.processor = processor;
        this.maxLifetime = maxLifetime;
    }

    /**
     * The same verifier, also refusing tokens whose lifetime ({@code exp - iat}) exceeds {@code maxLifetime}, or that
     * carry no {@code iat}; null or zero sets no limit.
     */
    public JwtVerifier withMaxLifetime(Duration maxLifetime) {
        return new JwtVerifier(processor, maxLifetime == null || maxLifetime.isZero() ? null : maxLifetime);
    }

    /** Verifies HS256 tokens signed with {@code secret} (local use and tests). */
    public static JwtVerifier hs256(String secret) {
        return of(secret, null);
    }

    /** Verifies RS256/ES256 tokens with the keys of {@code jwks} (see {@link #jwksSource}). */
    public static JwtVerifier jwks(JWKSource<SecurityContext> jwks) {
        return of(null, jwks);
    }

    /**
     * Verifies HS256 tokens with {@code hs256Secret} and RS256/ES256 tokens with {@code jwks}; either may be null, not
     * both. The token's {@code alg} header picks the key source; an algorithm without one is rejected.
     */
    public static JwtVerifier of(String hs256Secret, JWKSource<SecurityContext> jwks) {
        return of(hs256Secret, jwks, null, null);
    }

    /**
     * Like {@link #of(String, JWKSource)}, also requiring {@code iss} to equal {@code issuer} and {@code aud} to
     * contain {@code audience}, each when not null: with a shared identity provider, a token minted for another service
     * must not pass.
     */
    public static JwtVerifier of(String hs256Secret, JWKSource<SecurityContext> jwks, String issuer, String audience) {
        if (hs256Secret == null && jwks == null) {
            throw new IllegalArgumentException("Configure an HS256 secret, a JWKS URL, or both");
        }
        JWSKeySelector<SecurityContext> hmac = null;
        if (hs256Secret != null) {
            byte[] key = hs256Secret.getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_HS256_SECRET_BYTES) {
                throw new IllegalArgumentException(
                        "herald.auth.hs256-secret must be at least " + MIN_HS256_SECRET_BYTES + " bytes");
            }
            // One key, whatever kid the header names.
            hmac = new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256, new SecretKeySpec(key, "HmacSHA256"));
        }
        JWSKeySelector<SecurityContext> asymmetric = jwks == null ? null
                : new JWSVerificationKeySelector<>(JWKS_ALGORITHMS, jwks);
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new ByAlgorithm(hmac, asymmetric));
        JWTClaimsSet exact = issuer == null ? null : new JWTClaimsSet.Builder().issuer(issuer).build();
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience == null ? null : Set.of(audience),
                exact, Set.of(JWTClaimNames.EXPIRATION_TIME, TENANT_CLAIM), null));
        return new JwtVerifier(processor, null);
    }

    /**
     * The keys published at a JWKS URL, cached for {@code cacheTtl}. A token whose {@code kid} is not in the cached set
     * makes one refresh at once (key rotation at the identity provider), rate limited to two fetches per
     * {@code minRefreshInterval} so random {@code kid}s cannot hammer the provider. A fetch runs on the verifying
     * thread with {@code fetchTimeout} for connect and for read: only a cache miss blocks.
     */
    public static JWKSource<SecurityContext> jwksSource(URL url, Duration cacheTtl, Duration minRefreshInterval,
            Duration fetchTimeout) {
        int timeoutMs = Math.toIntExact(fetchTimeout.toMillis());
        return JWKSourceBuilder
                .<SecurityContext> create(url,
                        new DefaultResourceRetriever(timeoutMs, timeoutMs, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT))
                .cache(cacheTtl.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                // Refresh ahead of expiry in the background, so only a first fetch or an unknown kid waits on it.
                .refreshAheadCache(true).rateLimited(minRefreshInterval.toMillis()).retrying(false).build();
    }

    public Caller verify(String token) throws AuthenticationException {
        return verifyToken(token).caller();
    }

    /** As {@link #verify(String)}, also returning until when the token is valid (its {@code exp}). */
    public VerifiedToken verifyToken(String token) throws AuthenticationException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new AuthenticationException("Bearer token is not a JWT", e);
        } catch (BadJOSEException e) {
            throw new AuthenticationException("Bearer token rejected: " + e.getMessage(), e);
        } catch (JOSEException e) {
            throw new AuthenticationException("Bearer token could not be verified", e);
        }
        try {
            String tenant = claims.getStringClaim(TENANT_CLAIM);
            if (tenant == null || !TENANT.matcher(tenant).matches()) {
                throw new AuthenticationException("Bearer token's tenant claim does not match " + TENANT.pattern());
            }
            if (maxLifetime != null) {
                if (claims.getIssueTime() == null) {
                    throw new AuthenticationException("Bearer token has no iat claim, needed to bound its lifetime");
                }
                Duration lifetime = Duration.between(claims.getIssueTime().toInstant(),
                        claims.getExpirationTime().toInstant());
                if (lifetime.compareTo(maxLifetime) > 0) {
                    throw new AuthenticationException("Bearer token lives " + lifetime.toSeconds()
                            + " s (exp - iat), more than the " + maxLifetime.toSeconds() + " s allowed");
                }
            }
            String scope = claims.getStringClaim(SCOPE_CLAIM);
            Set<String> scopes = new HashSet<>();
            if (scope != null) {
                for (String s : scope.trim().split("\\s+")) {
                    if (!s.isEmpty()) {
                        scopes.add(s);
                    }
                }
            }
            // exp is a required claim: the processor refused tokens without it.
            return new VerifiedToken(new Caller(tenant, Set.copyOf(scopes)), claims.getExpirationTime().toInstant());
        } catch (ParseException e) {
            throw new AuthenticationException("Bearer token claims tenant and scope must be strings", e);
        }
    }

    /** A token that passed verification: who it speaks for, and its {@code exp}. */
    public record VerifiedToken(Caller caller, Instant expiresAt) {
    }

    /** Hands the token to the key source of its algorithm; an algorithm without one gets no keys, so it fails. */
    private record ByAlgorithm(JWSKeySelector<SecurityContext> hmac, JWSKeySelector<SecurityContext> asymmetric)
            implements JWSKeySelector<SecurityContext> {

        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            if (hmac != null && JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
                return hmac.selectJWSKeys(header, context);
            }
            if (asymmetric != null && JWKS_ALGORITHMS.contains(header.getAlgorithm())) {
                return asymmetric.selectJWSKeys(header, context);
            }
            return List.of();
        }
    }
}
