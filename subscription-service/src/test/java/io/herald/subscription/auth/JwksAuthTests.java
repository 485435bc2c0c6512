package io.herald.subscription.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import io.herald.kit.auth.JwtVerifier;
import io.herald.kit.auth.Scopes;
import io.herald.testing.ServiceTestResources;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Production auth through the running app: {@code herald.auth.jwks-url} points at an identity provider's JWK set (here
 * a real HTTP server on 127.0.0.1 publishing one RS256 and one ES256 key).
 */
@QuarkusTest
@ServiceTestResources
@TestProfile(JwksAuthTests.Profile.class)
class JwksAuthTests {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void shouldAcceptRs256AndEs256TokensSignedWithPublishedKeys() throws Exception {
        for (JWK key : List.of(JwksServer.rsa, JwksServer.ec)) {
            String tenant = "t-" + UUID.randomUUID();
            given().auth().oauth2(sign(key, tenant)).get("/v1/endpoints").then().statusCode(200).body("data.size()",
                    equalTo(0));
        }
    }

    @Test
    void shouldRejectAnUnknownKidOrAnotherKeyUnderAPublishedKidWith401Problem() throws Exception {
        RSAKey unknownKid = new RSAKeyGenerator(2048).keyID("not-published").generate();
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID(JwksServer.ec.getKeyID()).generate();

        for (JWK key : List.of(unknownKid, impostor)) {
            given().auth().oauth2(sign(key, "t-" + UUID.randomUUID())).get("/v1/endpoints").then().statusCode(401)
                    .contentType(PROBLEM_JSON).body("status", equalTo(401));
        }
    }

    private static String sign(JWK key, String tenant) throws JOSEException {
        JWSAlgorithm algorithm = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("jwks-test").claim(JwtVerifier.TENANT_CLAIM, tenant)
                .claim(JwtVerifier.SCOPE_CLAIM, Scopes.ENDPOINTS_READ).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** The app of this class verifies tokens against {@link JwksServer}'s keys, besides the test HS256 secret. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(JwksServer.class));
        }
    }

    /** An identity provider's JWK set on 127.0.0.1, with one RSA and one P-256 key. */
    public static class JwksServer implements QuarkusTestResourceLifecycleManager {

        static RSAKey rsa;
        static ECKey ec;
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
                ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
                byte[] body = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString(true)
                        .getBytes(StandardCharsets.UTF_8);
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/jwks.json", exchange -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("herald.auth.jwks-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
