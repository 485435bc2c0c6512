package io.herald.subscription.portal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.herald.kit.auth.AuthenticationException;
import io.herald.kit.auth.Caller;
import io.herald.kit.auth.IssuedTokenVerifier;
import io.herald.kit.auth.JwtVerifier;
import io.herald.kit.auth.Scopes;
import io.herald.subscription.secret.SecretsConfig;

/**
 * Portal session tokens: HS256 JWTs this service signs with its own key (never the identity provider's), typed
 * {@value #TYPE} in the header so they are told apart from the provider's tokens before any key is tried. The key is
 * derived from the secrets encryption key (an HMAC of a fixed label under it), so every replica has it without another
 * secret to deploy; a new encryption key ends the open portal sessions, which live a day at most.
 * <p>
 * A valid one authenticates as its tenant with {@code endpoints:read} and {@code endpoints:write}, and
 * {@link PortalAccessFilter} then limits it to the portal's operations. Its own {@code scope} claim is only
 * {@value #SCOPE}: should another service ever accept it (the same key configured twice), it grants nothing there.
 * Ingest has no such verifier, so a portal token can never publish events.
 */
@ApplicationScoped
public class PortalTokens implements IssuedTokenVerifier {

    /** The JWS {@code typ} header of portal tokens. */
    public static final String TYPE = "herald-portal+jwt";
    static final String ISSUER = "herald-portal";
    static final String SCOPE = "portal";
    static final String EVENT_TYPES_CLAIM = "eventTypes";
    private static final Set<String> GRANTED = Set.of(Scopes.ENDPOINTS_READ, Scopes.ENDPOINTS_WRITE);
    private static final String DERIVATION_LABEL = "herald portal session tokens v1";

    private final byte[] key;
    private final Clock clock;

    public PortalTokens(SecretsConfig secrets, Clock clock) {
        this.key = deriveKey(secrets.encryptionKey());
        this.clock = clock;
    }

    /** A signed token for a portal session of {@code tenant} until {@code expiresAt}. */
    public String mint(String tenant, List<String> eventTypes, Instant expiresAt) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).jwtID(UUID.randomUUID().toString())
                .claim(JwtVerifier.TENANT_CLAIM, tenant).claim(JwtVerifier.SCOPE_CLAIM, SCOPE)
                .claim(EVENT_TYPES_CLAIM, eventTypes).issueTime(Date.from(now)).expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(TYPE)).build(),
                claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a portal token", e);
        }
        return jwt.serialize();
    }

    @Override
    public Optional<Issued> verify(String token) throws AuthenticationException {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return Optional.empty();
        }
        if (!new JOSEObjectType(TYPE).equals(jwt.getHeader().getType())) {
            return Optional.empty();
        }
        try {
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                throw new AuthenticationException("Portal token signature does not verify");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expiry = claims.getExpirationTime();
            if (expiry == null || !clock.instant().isBefore(expiry.toInstant())) {
                throw new AuthenticationException("Portal token expired");
            }
            String tenant = claims.getStringClaim(JwtVerifier.TENANT_CLAIM);
            if (!ISSUER.equals(claims.getIssuer()) || tenant == null || tenant.isBlank()) {
                throw new AuthenticationException("Portal token lacks its issuer or tenant");
            }
            List<String> eventTypes = claims.getStringListClaim(EVENT_TYPES_CLAIM);
            return Optional.of(new Issued(new Caller(tenant, GRANTED), Map.of(PortalSession.ATTRIBUTE,
                    new PortalSession.Grant(eventTypes == null ? List.of() : eventTypes))));
        } catch (JOSEException | ParseException e) {
            throw new AuthenticationException("Portal token could not be verified", e);
        }
    }

    /**
     * The portal's HMAC key for the secrets keyring {@code encryptionKey} ({@code <id>:<base64>[,...]}, or one bare
     * base64 key): a key of its own, derived from the keyring's sealing key (its first), never that key itself. Putting
     * a new key first ends the portal links signed before.
     */
    static byte[] deriveKey(String encryptionKey) {
        String sealing = encryptionKey.split(",")[0].trim();
        int colon = sealing.indexOf(':');
        String material = colon < 0 ? sealing : sealing.substring(colon + 1);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(decode(material, "herald.subscription.secrets.encryption-key"), "HmacSHA256"));
            return mac.doFinal(DERIVATION_LABEL.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot derive the portal token key", e);
        }
    }

    private static byte[] decode(String base64, String name) {
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not base64", e);
        }
    }
}
