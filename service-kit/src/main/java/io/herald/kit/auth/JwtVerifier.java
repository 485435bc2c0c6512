package io.herald.kit.auth;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies bearer JWTs with Nimbus JOSE+JWT and returns the {@link Caller}. Only the configured algorithm is accepted
 * (an unsigned {@code alg: none} token or another algorithm fails), {@code exp} and {@code tenant} are required, and
 * {@code exp}/{@code nbf} are checked with Nimbus' default clock skew.
 */
public final class JwtVerifier {

    public static final String TENANT_CLAIM = "tenant";
    public static final String SCOPE_CLAIM = "scope";
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_HS256_SECRET_BYTES = 32;

    private final DefaultJWTProcessor<SecurityContext> processor;

    private JwtVerifier(DefaultJWTProcessor<SecurityContext> processor) {
        this.processor = processor;
    }

    /** Verifies HS256 tokens signed with {@code secret} (local use and tests). */
    public static JwtVerifier hs256(String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_HS256_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "herald.auth.hs256-secret must be at least " + MIN_HS256_SECRET_BYTES + " bytes");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(key)));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(null, Set.of(JWTClaimNames.EXPIRATION_TIME, TENANT_CLAIM)));
        return new JwtVerifier(processor);
    }

    public Caller verify(String token) throws AuthenticationException {
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
            if (tenant == null || tenant.isBlank()) {
                throw new AuthenticationException("Bearer token has an empty tenant claim");
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
            return new Caller(tenant, Set.copyOf(scopes));
        } catch (ParseException e) {
            throw new AuthenticationException("Bearer token claims tenant and scope must be strings", e);
        }
    }
}
