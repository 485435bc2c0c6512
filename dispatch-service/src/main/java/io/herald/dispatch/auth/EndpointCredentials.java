package io.herald.dispatch.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.messages.EndpointState;
import io.herald.dispatch.http.ClientCertificate;
import io.herald.dispatch.http.WebhookHttpClient;
import io.herald.dispatch.http.WebhookResponse;
import io.smallrye.mutiny.Uni;

/**
 * Sends a webhook with the credentials its endpoint requires ({@link EndpointAuth}): an {@code Authorization} header
 * ({@code bearer}, {@code basic}, or an {@code oauth2} client-credentials token from {@link OAuth2Tokens}), or a TLS
 * client certificate ({@code mtls}). The credential replaces a custom {@code Authorization} header (subscription
 * refuses the two together).
 * <p>
 * OAuth 2.0: a 401 answer is taken for a token the endpoint no longer accepts (revoked, rotated keys): the token is
 * requested anew once and the webhook sent once more in the same attempt. A token that cannot be obtained fails the
 * attempt like a failed request (retried, counted by the breaker); a token URL the egress policy refuses fails it like
 * a refused endpoint URL, with no connection made.
 */
@ApplicationScoped
public class EndpointCredentials {

    private static final String AUTHORIZATION = "Authorization";

    private final WebhookHttpClient http;
    private final OAuth2Tokens tokens;

    EndpointCredentials(WebhookHttpClient http, OAuth2Tokens tokens) {
        this.http = http;
        this.tokens = tokens;
    }

    /**
     * POSTs {@code body} with {@code headers} to the endpoint, authenticated as it requires. Fails like
     * {@link WebhookHttpClient#post(String, String, Map, byte[])}: only when the egress policy refuses the endpoint's
     * (or its token endpoint's) address, or the host's cap is reached.
     */
    public Uni<WebhookResponse> post(EndpointState endpoint, Map<String, String> headers, byte[] body) {
        EndpointAuth auth = endpoint.auth();
        if (auth == null || auth.type() == null) {
            return http.post(endpoint.id(), endpoint.url(), headers, body);
        }
        return switch (auth.type()) {
            case EndpointAuth.BEARER ->
                    http.post(endpoint.id(), endpoint.url(), authorized(headers, "Bearer " + auth.token()), body);
            case EndpointAuth.BASIC -> http.post(endpoint.id(), endpoint.url(),
                    authorized(headers, "Basic " + Base64.getEncoder().encodeToString(
                            (auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8))),
                    body);
            case EndpointAuth.MTLS -> http.post(endpoint.id(),
                    new ClientCertificate(auth.certificatePem(), auth.privateKeyPem()), endpoint.url(), headers, body);
            case EndpointAuth.OAUTH2 -> oauth2(endpoint, auth, headers, body);
            default -> Uni.createFrom().item(new WebhookResponse(null, null,
                    "The endpoint's auth type '" + auth.type() + "' is unknown to this dispatch version", 0));
        };
    }

    private Uni<WebhookResponse> oauth2(EndpointState endpoint, EndpointAuth auth, Map<String, String> headers,
            byte[] body) {
        return tokens.token(endpoint.id(), auth)
                .chain(token -> withToken(endpoint, token, headers, body)
                        .chain(response -> response.statusCode() != null && response.statusCode() == 401
                                ? tokens.refresh(endpoint.id(), auth, token)
                                        .chain(fresh -> withToken(endpoint, fresh, headers, body))
                                : Uni.createFrom().item(response)))
                .onFailure(TokenRequestFailedException.class).recoverWithItem(failure -> new WebhookResponse(null, null,
                        failure.getMessage(), ((TokenRequestFailedException) failure).latencyMs()));
    }

    private Uni<WebhookResponse> withToken(EndpointState endpoint, OAuth2Tokens.Token token,
            Map<String, String> headers, byte[] body) {
        return http.post(endpoint.id(), endpoint.url(), authorized(headers, "Bearer " + token.value()), body);
    }

    private static Map<String, String> authorized(Map<String, String> headers, String value) {
        Map<String, String> with = new LinkedHashMap<>(headers);
        with.keySet().removeIf(AUTHORIZATION::equalsIgnoreCase);
        with.put(AUTHORIZATION, value);
        return with;
    }
}
