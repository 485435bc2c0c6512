package io.herald.kit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

class JwtVerifierTests {

    private static final String SECRET = "unit-test-secret-0123456789abcdef-0123";
    private final JwtVerifier verifier = JwtVerifier.hs256(SECRET);

    @Test
    void shouldReturnTheTenantAndScopesOfAValidToken() throws Exception {
        Caller caller = verifier.verify(
                TokenMinter.hs256(SECRET, "acme", Set.of("events:write", "endpoints:read"), Duration.ofMinutes(5)));

        assertThat(caller.tenant()).isEqualTo("acme");
        assertThat(caller.scopes()).containsExactlyInAnyOrder("events:write", "endpoints:read");
    }

    @Test
    void shouldRejectAnExpiredToken() {
        assertRejected(hs(SECRET, JWSAlgorithm.HS256, claims().expirationTime(ago(Duration.ofMinutes(10)))));
    }

    @Test
    void shouldRejectATokenNotYetValid() {
        assertRejected(hs(SECRET, JWSAlgorithm.HS256,
                claims().notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))));
    }

    @Test
    void shouldRejectAnUnsignedToken() {
        assertRejected(new PlainJWT(claims().build()).serialize());
    }

    @Test
    void shouldRejectATokenSignedWithAnotherKey() {
        assertRejected(hs("another-secret-0123456789abcdef-0123456", JWSAlgorithm.HS256, claims()));
    }

    @Test
    void shouldRejectAnotherHmacAlgorithm() {
        assertRejected(hs(SECRET + SECRET, JWSAlgorithm.HS512, claims()));
    }

    @Test
    void shouldRejectAnRsaSignedToken() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPrivateKey key = (RSAPrivateKey) generator.generateKeyPair().getPrivate();

        assertRejected(sign(new RSASSASigner(key), JWSAlgorithm.RS256, claims()));
    }

    @Test
    void shouldRejectATokenWithoutTenant() {
        assertRejected(hs(SECRET, JWSAlgorithm.HS256, new JWTClaimsSet.Builder()
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).claim("scope", "events:write")));
    }

    @Test
    void shouldRejectATokenWithoutExpiry() {
        assertRejected(hs(SECRET, JWSAlgorithm.HS256, new JWTClaimsSet.Builder().claim("tenant", "acme")));
    }

    @Test
    void shouldRejectSomethingThatIsNotAJwt() {
        assertRejected("not-a-jwt");
        assertRejected("");
    }

    @Test
    void shouldRefuseAShortHs256Secret() {
        assertThatThrownBy(() -> JwtVerifier.hs256("short")).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertRejected(String token) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void shouldRejectATenantClaimOutsideTheAllowedShape() throws Exception {
        for (String bad : new String[] { "", " acme", "-acme", "acme/other", "acme tenant", "ac:me", "é",
                "a".repeat(65), "acme\n" }) {
            assertRejected(hs(SECRET, JWSAlgorithm.HS256, claims().claim("tenant", bad)));
        }
        assertThat(verifier.verify(hs(SECRET, JWSAlgorithm.HS256, claims().claim("tenant", "a".repeat(64)))).tenant())
                .hasSize(64);
        assertThat(verifier.verify(hs(SECRET, JWSAlgorithm.HS256, claims().claim("tenant", "Acme.eu-1_x"))).tenant())
                .isEqualTo("Acme.eu-1_x");
    }

    @Test
    void shouldRejectATokenLivingLongerThanTheMaximumOrWithoutIssueTime() throws Exception {
        JwtVerifier bounded = verifier.withMaxLifetime(Duration.ofHours(1));
        Instant now = Instant.now();

        assertThatThrownBy(() -> bounded.verify(hs(SECRET, JWSAlgorithm.HS256,
                claims().issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(2)))))))
                        .isInstanceOf(AuthenticationException.class).hasMessageContaining("exp - iat");
        assertThatThrownBy(() -> bounded.verify(hs(SECRET, JWSAlgorithm.HS256, claims())))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("iat");
        assertThat(bounded
                .verify(hs(SECRET, JWSAlgorithm.HS256,
                        claims().issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(59))))))
                .tenant()).isEqualTo("acme");
        // Without a maximum, neither is needed.
        assertThat(verifier.verify(hs(SECRET, JWSAlgorithm.HS256, claims())).tenant()).isEqualTo("acme");
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().claim("tenant", "acme").claim("scope", "events:write")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static Date ago(Duration duration) {
        return Date.from(Instant.now().minus(duration));
    }

    private static String hs(String secret, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) {
        try {
            return sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), algorithm, claims);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }
}
