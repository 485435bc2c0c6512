package io.herald.subscription.portal;

import java.util.List;
import java.util.regex.Pattern;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.herald.kit.problem.ProblemException;
import io.herald.kit.problem.ProblemExceptionMapper;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Limits requests made with a portal token to the portal's operations, after authentication and the operation's scope
 * check ({@code @RolesAllowed}), before the resource (whose own tenant checks still apply). Anything not listed, such
 * as creating portal sessions or managing event types, answers 403 to a portal token, including operations added later
 * until they are listed here.
 */
public class PortalAccessFilter {

    private static final String ID = "/[^/]+";

    /** The operations the portal page uses: method and path. */
    static final List<Operation> OPERATIONS = List.of(new Operation(HttpMethod.GET, "/v1/endpoints"),
            new Operation(HttpMethod.POST, "/v1/endpoints"), new Operation(HttpMethod.GET, "/v1/endpoints" + ID),
            new Operation(HttpMethod.PATCH, "/v1/endpoints" + ID),
            new Operation(HttpMethod.DELETE, "/v1/endpoints" + ID),
            new Operation(HttpMethod.GET, "/v1/endpoints" + ID + "/secret"),
            new Operation(HttpMethod.POST, "/v1/endpoints" + ID + "/rotate-secret"),
            new Operation(HttpMethod.GET, "/v1/endpoints" + ID + "/attempts"),
            new Operation(HttpMethod.GET, "/v1/endpoints" + ID + "/attempt-stats"),
            new Operation(HttpMethod.POST, "/v1/endpoints" + ID + "/recover"),
            new Operation(HttpMethod.POST, "/v1/endpoints" + ID + "/test-events"),
            new Operation(HttpMethod.GET, "/v1/events" + ID + "/attempts"),
            new Operation(HttpMethod.GET, "/v1/dead-letters"),
            new Operation(HttpMethod.POST, "/v1/dead-letters" + ID + "/replay"),
            // The event-type catalog, read only.
            new Operation(HttpMethod.GET, "/v1/event-types"), new Operation(HttpMethod.GET, "/v1/event-types" + ID));

    private final CurrentIdentityAssociation identities;

    public PortalAccessFilter(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    /**
     * Reads the identity without blocking: a secured operation's is known by now, and a public resource's (the portal
     * page) is anonymous.
     */
    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Response> authorize(ContainerRequestContext request) {
        return identities.getDeferredIdentity()
                .map(identity -> PortalSession.grant(identity) == null ? null : refuseUnlisted(request));
    }

    private static Response refuseUnlisted(ContainerRequestContext request) {
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        if (OPERATIONS.stream().anyMatch(operation -> operation.allows(method, path))) {
            return null;
        }
        return ProblemExceptionMapper
                .toResponse(ProblemException.forbidden("A portal session may not " + method + " " + path));
    }

    /** One allowed operation: its method and a path pattern where {@code [^/]+} stands for an id. */
    record Operation(String method, Pattern path) {

        Operation(String method, String path) {
            this(method, Pattern.compile(path));
        }

        boolean allows(String requestMethod, String requestPath) {
            return method.equals(requestMethod) && path.matcher(requestPath).matches();
        }
    }
}
