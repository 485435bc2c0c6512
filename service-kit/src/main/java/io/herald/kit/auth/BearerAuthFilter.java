package io.herald.kit.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import io.herald.kit.problem.ProblemException;
import io.herald.kit.problem.ProblemExceptionMapper;
import io.quarkus.runtime.StartupEvent;

/**
 * Authenticates every {@code /v1} request with its bearer JWT; anything else ({@code /q/*}) is left alone. A bad token
 * answers 401 problem+json; the reason is logged, never the token. Accepted tokens are remembered for a short while
 * ({@link TokenCache}). Tokens the service issues itself ({@link IssuedTokenVerifier} beans) are checked by their
 * issuer first.
 */
@ApplicationScoped
public class BearerAuthFilter {

    private static final Logger LOG = Logger.getLogger(BearerAuthFilter.class);
    private static final String BEARER = "Bearer ";

    private final TokenCache tokens;
    private final CurrentCaller currentCaller;
    private final Instance<IssuedTokenVerifier> issuedTokens;

    public BearerAuthFilter(AuthConfig config, CurrentCaller currentCaller, Clock clock,
            Instance<IssuedTokenVerifier> issuedTokens) {
        this.tokens = new TokenCache(verifier(config), clock, Duration.ofMillis(config.tokenCacheMaxAgeMs()),
                config.tokenCacheMaxTokens());
        this.currentCaller = currentCaller;
        this.issuedTokens = issuedTokens;
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

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/v1/")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return ProblemExceptionMapper.toResponse(ProblemException.unauthorized("Missing bearer token"));
        }
        try {
            currentCaller.set(verify(header.substring(BEARER.length()).trim()));
            return null;
        } catch (AuthenticationException e) {
            LOG.debugf("Rejected bearer token: %s", e.getMessage());
            return ProblemExceptionMapper.toResponse(ProblemException.unauthorized("Invalid bearer token"));
        }
    }

    private Caller verify(String token) throws AuthenticationException {
        for (IssuedTokenVerifier issued : issuedTokens) {
            Optional<Caller> caller = issued.verify(token);
            if (caller.isPresent()) {
                return caller.get();
            }
        }
        return tokens.verify(token);
    }
}
