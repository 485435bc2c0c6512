package io.herald.dispatch.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.herald.contracts.MessageJson;
import io.herald.contracts.egress.EgressUrl;
import io.herald.contracts.messages.EndpointAuth;
import io.herald.dispatch.http.WebhookHttpClient;
import io.herald.dispatch.http.WebhookResponse;
import io.smallrye.mutiny.Uni;

/**
 * Access tokens of the OAuth 2.0 client-credentials grant (RFC 6749 section 4.4), per endpoint: requested from the
 * endpoint's {@code tokenUrl} with its client id and secret ({@code client_secret_basic}), kept until shortly before
 * they expire (a tenth of their lifetime, at most a minute, early), and requested once for all deliveries that need one
 * at the same time. The token request goes through {@link WebhookHttpClient} like a delivery: the egress policy (a
 * refused token URL fails with {@code EgressRefusedException} before any connection), the deadline and the host cap,
 * over a client of the endpoint's own.
 */
@ApplicationScoped
public class OAuth2Tokens {

    /** Lifetime assumed when the answer has no {@code expires_in}. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    private static final Duration MAX_EARLY = Duration.ofMinutes(1);

    /** A token, the credentials it was issued for (as a digest) and when to fetch the next one. */
    public record Token(String value, String credentials, Instant refreshAt) {

        @Override
        public String toString() {
            return "Token[<redacted>, refreshAt=" + refreshAt + "]";
        }
    }

    private final WebhookHttpClient http;
    private final Clock clock;
    private final MessageJson json;
    private final Cache<String, Token> tokens = Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(1))
            .maximumSize(100_000).build();
    private final Map<String, CompletableFuture<Token>> requests = new ConcurrentHashMap<>();

    OAuth2Tokens(WebhookHttpClient http, Clock clock, MessageJson json) {
        this.json = json;
        this.http = http;
        this.clock = clock;
    }

    /** A token for {@code endpointId}: the cached one while it is fresh and of the same credentials, else a new one. */
    public Uni<Token> token(String endpointId, EndpointAuth auth) {
        String credentials = digest(auth);
        Token cached = tokens.getIfPresent(endpointId);
        if (cached != null && cached.credentials().equals(credentials)
                && clock.instant().isBefore(cached.refreshAt())) {
            return Uni.createFrom().item(cached);
        }
        return request(endpointId, auth, credentials);
    }

    /** Forgets {@code used} (the endpoint answered 401 to it) and requests a new token. */
    public Uni<Token> refresh(String endpointId, EndpointAuth auth, Token used) {
        tokens.asMap().remove(endpointId, used);
        return request(endpointId, auth, digest(auth));
    }

    /** One request per endpoint and credentials at a time; whoever asks meanwhile waits for its answer. */
    private Uni<Token> request(String endpointId, EndpointAuth auth, String credentials) {
        String key = endpointId + "#" + credentials;
        CompletableFuture<Token> created = new CompletableFuture<>();
        CompletableFuture<Token> pending = requests.putIfAbsent(key, created);
        if (pending == null) {
            pending = created;
            fetch(endpointId, auth, credentials).subscribe().with(token -> {
                tokens.put(endpointId, token);
                requests.remove(key, created);
                created.complete(token);
            }, failure -> {
                requests.remove(key, created);
                created.completeExceptionally(failure);
            });
        }
        // A copy: a caller giving up must not cancel what the others wait on. The copy wraps a failure.
        return Uni.createFrom().completionStage(pending.copy()).onFailure(CompletionException.class)
                .transform(failure -> failure.getCause() != null ? failure.getCause() : failure);
    }

    private Uni<Token> fetch(String endpointId, EndpointAuth auth, String credentials) {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (auth.scope() != null && !auth.scope().isBlank()) {
            form.append("&scope=").append(formEncoded(auth.scope()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("Accept", "application/json");
        // RFC 6749 section 2.3.1: both parts form-encoded, then HTTP Basic.
        headers.put("Authorization",
                "Basic " + Base64.getEncoder()
                        .encodeToString((formEncoded(auth.clientId()) + ":" + formEncoded(auth.clientSecret()))
                                .getBytes(StandardCharsets.UTF_8)));
        String host = host(auth.tokenUrl());
        return http
                .postToTokenEndpoint(endpointId, auth.tokenUrl(), headers,
                        form.toString().getBytes(StandardCharsets.UTF_8))
                .map(response -> token(response, host, credentials));
    }

    private Token token(WebhookResponse response, String host, String credentials) {
        String failed = "OAuth2 token request to " + host + " failed: ";
        if (!response.isSuccess()) {
            throw new TokenRequestFailedException(
                    failed + (response.error() != null ? response.error() : "HTTP " + response.statusCode()),
                    response.latencyMs());
        }
        JsonNode answer;
        try {
            answer = json.mapper().readTree(response.bodyExcerpt() == null ? "" : response.bodyExcerpt());
        } catch (Exception e) {
            answer = null;
        }
        JsonNode accessToken = answer == null ? null : answer.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isBlank()) {
            throw new TokenRequestFailedException(failed + "the answer holds no access_token", response.latencyMs());
        }
        JsonNode type = answer.get("token_type");
        if (type != null && !"bearer".equalsIgnoreCase(type.asText())) {
            throw new TokenRequestFailedException(failed + "token_type " + type.asText() + " is not bearer",
                    response.latencyMs());
        }
        JsonNode expiresIn = answer.get("expires_in");
        Duration lifetime = expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0
                ? Duration.ofSeconds(expiresIn.asLong())
                : DEFAULT_LIFETIME;
        Duration early = lifetime.dividedBy(10).compareTo(MAX_EARLY) > 0 ? MAX_EARLY : lifetime.dividedBy(10);
        return new Token(accessToken.asText(), credentials, clock.instant().plus(lifetime).minus(early));
    }

    private static String host(String url) {
        try {
            return EgressUrl.parse(url).host();
        } catch (IllegalArgumentException e) {
            return "an invalid URL";
        }
    }

    private static String formEncoded(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** Tells credentials apart (a changed secret gets a new token) without keeping them. */
    private static String digest(EndpointAuth auth) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] { auth.tokenUrl(), auth.clientId(), auth.clientSecret(), auth.scope() }) {
                digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
