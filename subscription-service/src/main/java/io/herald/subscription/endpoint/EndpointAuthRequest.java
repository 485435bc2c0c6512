package io.herald.subscription.endpoint;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.herald.contracts.messages.EndpointAuth;

/**
 * The {@code auth} object of {@code POST /v1/endpoints} and {@code PATCH /v1/endpoints/{id}}: the credentials dispatch
 * presents to the endpoint. Only the fields of its {@code type} may be given. Secret parts are write-only: answers show
 * them as {@value EndpointAuthRules#MASK}; a PATCH that sends that mask back for an auth of the same type keeps the
 * stored value.
 */
@Schema(name = "EndpointAuth", description = "Credentials dispatch presents to the endpoint; secret parts are write-only")
public record EndpointAuthRequest(@Schema(required = true, enumeration = {
        "bearer", "basic", "oauth2",
        "mtls" }, description = "bearer: Authorization: Bearer <token>; basic: HTTP Basic; oauth2: a client-credentials token from tokenUrl; mtls: a TLS client certificate") String type,
        @Schema(description = "bearer: the token (secret)", maxLength = 4096) String token,
        @Schema(description = "basic: the user name (no ':')", maxLength = 256) String username,
        @Schema(description = "basic: the password (secret)", maxLength = 1024) String password,
        @Schema(description = "oauth2: the token endpoint, absolute http(s), under the same egress rules as the endpoint URL", maxLength = 2048) String tokenUrl,
        @Schema(description = "oauth2: the client id", maxLength = 256) String clientId,
        @Schema(description = "oauth2: the client secret (secret)", maxLength = 1024) String clientSecret,
        @Schema(description = "oauth2: the scope to ask for, optional", maxLength = 1024) String scope,
        @Schema(description = "mtls: the client certificate, PEM, then its chain", maxLength = 16384) String certificatePem,
        @Schema(description = "mtls: its unencrypted PKCS#8 private key, PEM (-----BEGIN PRIVATE KEY-----; secret)", maxLength = 16384) String privateKeyPem){

    /** The credentials as requested (a secret part may still be the mask; see {@link EndpointAuthRules#resolve}). */
    EndpointAuth toAuth() {
        return new EndpointAuth(type, token, username, password, tokenUrl, clientId, clientSecret, scope,
                certificatePem, privateKeyPem);
    }

    @Override
    public String toString() {
        return "EndpointAuthRequest[type=" + type + ", secrets=<redacted>]";
    }
}
