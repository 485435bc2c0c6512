package io.herald.kit.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Turns the bearer token {@link BearerAuthenticationMechanism} found into the request's {@link SecurityIdentity}.
 * Tokens the service issues itself ({@link IssuedTokenVerifier} beans) are checked by their issuer first; any other
 * goes to the configured {@link JwtVerifier} through the {@link TokenCache}, so a token seen recently is not verified
 * again. The identity's principal is named after the tenant, its roles are the token's scopes (what
 * {@code @RolesAllowed(Scopes.X)} checks), and it carries the {@link Caller} as the attribute {@link #CALLER}. A bad
 * token fails with {@link AuthenticationFailedException} (401); the reason is logged, never the token.
 * <p>
 * A cached or self-issued token is checked on the calling thread, the event loop for most operations: it costs a lookup
 * or an HMAC. A token verified afresh while a JWKS URL is configured moves to a worker thread first, because a key the
 * JWKS cache lacks is fetched over the network, and the event loop must never wait on that.
 */
@ApplicationScoped
public class BearerIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** The identity attribute holding the request's {@link Caller}. */
    public static final String CALLER = Caller.class.getName();

    private static final Logger LOG = Logger.getLogger(BearerIdentityProvider.class);

    private final TokenCache tokens;
    private final Instance<IssuedTokenVerifier> issuedTokens;
    private final boolean mayFetchKeys;

    public BearerIdentityProvider(AuthConfig config, Clock clock, Instance<IssuedTokenVerifier> issuedTokens) {
        this.tokens = new TokenCache(verifier(config), clock, Duration.ofMillis(config.tokenCacheMaxAgeMs()),
                config.tokenCacheMaxTokens());
        this.issuedTokens = issuedTokens;
        this.mayFetchKeys = config.jwksUrl().isPresent();
    }

    /** The verifier the configuration asks for; fails the start when neither an HS256 secret nor a JWKS URL is set. */
    static JwtVerifier verifier(AuthConfig config) {
        if (config.hs256Secret().isEmpty() && config.jwksUrl().isEmpty()) {
            throw new IllegalStateException("Set herald.auth.jwks-url (env HERALD_AUTH_JWKS_URL) or "
                    + "herald.auth.hs256-secret (env HERALD_AUTH_HS256_SECRET, at least 32 bytes) to verify bearer tokens");
        }
        if (config.requireIssuerAndAudience() && (config.issuer().isEmpty() || config.audience().isEmpty())) {
            throw new IllegalStateException("Bearer tokens must be bound to this deployment: set herald.auth.issuer "
                    + "(env HERALD_AUTH_ISSUER) and herald.auth.audience (env HERALD_AUTH_AUDIENCE) to the iss and aud "
                    + "your identity provider puts in Herald's tokens, or turn the requirement off explicitly with "
                    + "herald.auth.require-issuer-and-audience=false (env HERALD_AUTH_REQUIRE_ISSUER_AND_AUDIENCE)");
        }
        JWKSource<SecurityContext> jwks = null;
        if (config.jwksUrl().isPresent()) {
            try {
                jwks = JwtVerifier.jwksSource(URI.create(config.jwksUrl().get()).toURL(),
                        Duration.ofMillis(config.jwksCacheTtlMs()),
                        Duration.ofMillis(config.jwksRefreshMinIntervalMs()),
                        Duration.ofMillis(config.jwksFetchTimeoutMs()));
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalStateException("herald.auth.jwks-url is not an absolute URL", e);
            }
        }
        return JwtVerifier
                .of(config.hs256Secret().orElse(null), jwks, config.issuer().orElse(null),
                        config.audience().orElse(null))
                .withMaxLifetime(Duration.ofSeconds(config.maxTokenLifetimeSeconds()));
    }

    /** Checks the configuration at start, so a service never runs unable to authenticate anyone. */
    void checkAtStart(@Observes StartupEvent event) {
        // The constructor built the verifier: reaching here means the configuration holds.
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        try {
            for (IssuedTokenVerifier issued : issuedTokens) {
                Optional<IssuedTokenVerifier.Issued> accepted = issued.verify(token);
                if (accepted.isPresent()) {
                    return Uni.createFrom().item(identity(accepted.get().caller(), accepted.get().attributes()));
                }
            }
        } catch (AuthenticationException e) {
            return Uni.createFrom().failure(rejected(e));
        }
        Caller cached = tokens.cached(token);
        if (cached != null) {
            return Uni.createFrom().item(identity(cached, Map.of()));
        }
        if (mayFetchKeys && Context.isOnEventLoopThread()) {
            return context.runBlocking(() -> verify(token));
        }
        return Uni.createFrom().item(() -> verify(token));
    }

    /** The identity of a token the cache does not hold, verified in full; a bad token fails with 401. */
    private SecurityIdentity verify(String token) {
        try {
            return identity(tokens.verify(token), Map.of());
        } catch (AuthenticationException e) {
            throw rejected(e);
        }
    }

    private static AuthenticationFailedException rejected(AuthenticationException e) {
        LOG.debugf("Rejected bearer token: %s", e.getMessage());
        return new AuthenticationFailedException(e.getMessage());
    }

    private static SecurityIdentity identity(Caller caller, Map<String, Object> attributes) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(caller.tenant()))
                .addRoles(caller.scopes()).addAttributes(attributes).addAttribute(CALLER, caller).build();
    }
}
