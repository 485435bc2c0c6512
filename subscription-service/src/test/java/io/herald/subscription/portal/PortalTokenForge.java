package io.herald.subscription.portal;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Portal-shaped tokens made by hand: with the service's key but expired, or signed with some other key. */
final class PortalTokenForge {

    private PortalTokenForge() {
    }

    /** The key the service signs with in the test profile. */
    static byte[] serviceKey() {
        return PortalTokens.deriveKey(
                ConfigProvider.getConfig().getValue("herald.subscription.secrets.encryption-key", String.class));
    }

    static String token(byte[] key, String tenant, Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(PortalTokens.ISSUER).claim("tenant", tenant)
                .claim("scope", PortalTokens.SCOPE).claim(PortalTokens.EVENT_TYPES_CLAIM, List.of())
                .issueTime(Date.from(expiresAt.minusSeconds(3600))).expirationTime(Date.from(expiresAt)).build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(PortalTokens.TYPE)).build(), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
        return jwt.serialize();
    }

    /** The token carried by a portal link. */
    static String fromLink(String url) {
        return url.substring(url.indexOf("#token=") + "#token=".length());
    }
}
