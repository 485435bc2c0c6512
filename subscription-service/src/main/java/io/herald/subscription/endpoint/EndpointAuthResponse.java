package io.herald.subscription.endpoint;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.herald.contracts.messages.EndpointAuth;

/** An endpoint's credentials as the API shows them: type and non-secret parts; every secret part masked. */
@Schema(name = "EndpointAuthView", description = "The endpoint's credentials; secret parts are shown as ********")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointAuthResponse(@Schema(enumeration = {
        "bearer", "basic", "oauth2", "mtls" }) String type, String token, String username, String password,
        String tokenUrl, String clientId, String clientSecret, String scope, String certificatePem,
        String privateKeyPem){

    static EndpointAuthResponse of(EndpointAuth auth) {
        if (auth == null) {
            return null;
        }
        EndpointAuth masked = auth.withSecrets(value -> value == null ? null : EndpointAuthRules.MASK);
        return new EndpointAuthResponse(masked.type(), masked.token(), masked.username(), masked.password(),
                masked.tokenUrl(), masked.clientId(), masked.clientSecret(), masked.scope(), masked.certificatePem(),
                masked.privateKeyPem());
    }
}
