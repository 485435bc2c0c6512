package io.herald.kit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/** RS256/ES256 tokens verified with keys from a JWKS served by a real HTTP server on 127.0.0.1. */
class JwksVerifierTests {

    private static final String HS_SECRET = "unit-test-secret-0123456789abcdef-0123";

    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer server;
    private RSAKey rsa;
    private ECKey ec;
    private JwtVerifier verifier;

    @BeforeEach
    void startJwksServer() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        published.set(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        verifier = JwtVerifier.jwks(JwtVerifier.jwksSource(jwksUrl(), Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofSeconds(5)));
    }

    @AfterEach
    void stopJwksServer() {
        server.stop(0);
    }

    @Test
    void shouldAcceptRs256AndEs256TokensSignedWithPublishedKeys() throws Exception {
        Caller rsCaller = verifier.verify(sign(rsa, JWSAlgorithm.RS256, claims()));
        Caller esCaller = verifier.verify(sign(ec, JWSAlgorithm.ES256, claims()));

        assertThat(rsCaller.tenant()).isEqualTo("acme");
        assertThat(rsCaller.scopes()).containsExactly("events:write");
        assertThat(esCaller.tenant()).isEqualTo("acme");
        assertThat(fetches).as("the JWK set is cached").hasValue(1);
    }

    @Test
    void shouldRejectAnExpiredToken() throws Exception {
        assertRejected(sign(rsa, JWSAlgorithm.RS256,
                claims().expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(10))))));
    }

    @Test
    void shouldRejectATokenNotYetValid() throws Exception {
        assertRejected(sign(ec, JWSAlgorithm.ES256,
                claims().notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))));
    }

    @Test
    void shouldRejectAnUnsignedToken() {
        assertRejected(new PlainJWT(claims().build()).serialize());
    }

    @Test
    void shouldRejectATokenSignedWithAnotherKeyUnderAPublishedKid() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();

        assertRejected(sign(impostor, JWSAlgorithm.RS256, claims()));
    }

    @Test
    void shouldRejectAnAlgorithmOtherThanRs256AndEs256() throws Exception {
        assertRejected(sign(rsa, JWSAlgorithm.RS384, claims()));
        assertRejected(sign(rsa, JWSAlgorithm.PS256, claims()));
    }

    @Test
    void shouldRejectAnHs256TokenWhenOnlyAJwksIsConfigured() throws Exception {
        assertRejected(hs256(HS_SECRET, claims()));
        // The classic confusion attack: HMAC keyed with the public key's bytes.
        assertRejected(hs256(rsa.toPublicJWK().toJSONString(), claims()));
    }

    @Test
    void shouldFetchTheJwksAgainWhenATokenNamesAnUnknownKid() throws Exception {
        verifier.verify(sign(rsa, JWSAlgorithm.RS256, claims()));
        assertThat(fetches).hasValue(1);

        // The identity provider rotates: a new key appears, tokens start naming it.
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        published.set(new JWKSet(List.of(rotated.toPublicJWK(), rsa.toPublicJWK())));

        Caller caller = verifier.verify(sign(rotated, JWSAlgorithm.RS256, claims()));
        verifier.verify(sign(rotated, JWSAlgorithm.RS256, claims()));

        assertThat(caller.tenant()).isEqualTo("acme");
        assertThat(fetches).as("one refresh for the unknown kid, then cached").hasValue(2);
    }

    @Test
    void shouldRateLimitRefreshesForKidsThatNeverAppear() throws Exception {
        verifier.verify(sign(rsa, JWSAlgorithm.RS256, claims()));
        for (int i = 0; i < 5; i++) {
            assertRejected(
                    sign(new RSAKeyGenerator(2048).keyID("unknown-" + i).generate(), JWSAlgorithm.RS256, claims()));
        }

        assertThat(fetches.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void shouldAcceptBothKindsWhenHs256AndJwksAreConfigured() throws Exception {
        JwtVerifier both = BearerIdentityProvider
                .verifier(config(Optional.of(HS_SECRET), Optional.of(jwksUrl().toString())));

        assertThat(both.verify(hs256(HS_SECRET, forHerald())).tenant()).isEqualTo("acme");
        assertThat(both.verify(sign(ec, JWSAlgorithm.ES256, forHerald())).tenant()).isEqualTo("acme");
    }

    @Test
    void shouldRejectAnotherIssuerOrAudienceWhenConfigured() throws Exception {
        JwtVerifier strict = BearerIdentityProvider
                .verifier(config(Optional.empty(), Optional.of(jwksUrl().toString())));

        assertThat(strict.verify(sign(rsa, JWSAlgorithm.RS256, forHerald())).tenant()).isEqualTo("acme");
        assertThatThrownBy(() -> strict.verify(sign(rsa, JWSAlgorithm.RS256, forHerald().issuer("https://other"))))
                .isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> strict.verify(sign(rsa, JWSAlgorithm.RS256, forHerald().audience("billing"))))
                .isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> strict.verify(sign(rsa, JWSAlgorithm.RS256, claims())))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void shouldRefuseToStartWithoutSecretOrJwksUrl() {
        assertThatThrownBy(() -> BearerIdentityProvider.verifier(config(Optional.empty(), Optional.empty())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("herald.auth.jwks-url");
        assertThatThrownBy(() -> BearerIdentityProvider.verifier(config(Optional.empty(), Optional.of("not a url"))))
                .isInstanceOf(IllegalStateException.class);
    }

    private void assertRejected(String token) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthenticationException.class);
    }

    private java.net.URL jwksUrl() throws IOException {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json").toURL();
    }

    private static AuthConfig config(Optional<String> secret, Optional<String> jwksUrl) {
        // No lifetime limit: these tokens carry no iat (JwtVerifierTests covers the limit).
        return new TestAuthConfig(secret, jwksUrl, Optional.of("https://idp.example"), Optional.of("herald"), true, 0);
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().claim("tenant", "acme").claim("scope", "events:write")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static JWTClaimsSet.Builder forHerald() {
        return claims().issuer("https://idp.example").audience("herald");
    }

    private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) throws Exception {
        JWSSigner signer = key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(String secret, JWTClaimsSet.Builder claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims.build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
