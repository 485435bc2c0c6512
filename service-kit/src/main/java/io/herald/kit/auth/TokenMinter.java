package io.herald.kit.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Mints HS256 tokens for local use and tests (production tokens come from the identity provider). */
public final class TokenMinter {

    private TokenMinter() {
    }

    public static String hs256(String secret, String tenant, Set<String> scopes, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("herald-dev").claim(JwtVerifier.TENANT_CLAIM, tenant)
                .claim(JwtVerifier.SCOPE_CLAIM, String.join(" ", scopes)).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("Cannot sign with the given HS256 secret", e);
        }
        return jwt.serialize();
    }
}
