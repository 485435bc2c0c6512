package io.herald.contracts.messages;

import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The credentials dispatch presents to one endpoint on every delivery, on top of the Standard Webhooks signature. One
 * of four {@link #type types}; the fields of the other types are null.
 * <ul>
 * <li>{@code bearer}: {@code Authorization: Bearer <token>}.</li>
 * <li>{@code basic}: {@code Authorization: Basic base64(username:password)}.</li>
 * <li>{@code oauth2}: an access token of the OAuth 2.0 client-credentials grant from {@code tokenUrl}
 * ({@code clientId}, {@code clientSecret}, optional {@code scope}), sent as {@code Authorization: Bearer}.</li>
 * <li>{@code mtls}: the TLS client certificate {@code certificatePem} (PEM, chain allowed) with its PKCS#8 private key
 * {@code privateKeyPem}.</li>
 * </ul>
 * The secret parts ({@code token}, {@code password}, {@code clientSecret}, {@code privateKeyPem}) are sealed on Kafka
 * with the rest of the endpoint's secrets ({@link EndpointState#sealed}); the others are not secret and are shown to
 * the endpoint's tenant.
 */
public record EndpointAuth(String type, String token, String username, String password, String tokenUrl,
        String clientId, String clientSecret, String scope, String certificatePem, String privateKeyPem) {

    public static final String BEARER = "bearer";
    public static final String BASIC = "basic";
    public static final String OAUTH2 = "oauth2";
    public static final String MTLS = "mtls";
    /** Every type, in the order the API documents them. */
    public static final Set<String> TYPES = Set.of(BEARER, BASIC, OAUTH2, MTLS);

    public static EndpointAuth bearer(String token) {
        return new EndpointAuth(BEARER, token, null, null, null, null, null, null, null, null);
    }

    public static EndpointAuth basic(String username, String password) {
        return new EndpointAuth(BASIC, null, username, password, null, null, null, null, null, null);
    }

    public static EndpointAuth oauth2(String tokenUrl, String clientId, String clientSecret, String scope) {
        return new EndpointAuth(OAUTH2, null, null, null, tokenUrl, clientId, clientSecret, scope, null, null);
    }

    public static EndpointAuth mtls(String certificatePem, String privateKeyPem) {
        return new EndpointAuth(MTLS, null, null, null, null, null, null, null, certificatePem, privateKeyPem);
    }

    /** The same credentials with every secret part passed through {@code secret} (sealing or opening it). */
    public EndpointAuth withSecrets(UnaryOperator<String> secret) {
        return new EndpointAuth(type, secret.apply(token), username, secret.apply(password), tokenUrl, clientId,
                secret.apply(clientSecret), scope, certificatePem, secret.apply(privateKeyPem));
    }

    @Override
    public String toString() {
        return "EndpointAuth[type=" + type + ", username=" + username + ", tokenUrl=" + tokenUrl + ", clientId="
                + clientId + ", scope=" + scope + ", secrets=<redacted>]";
    }
}
