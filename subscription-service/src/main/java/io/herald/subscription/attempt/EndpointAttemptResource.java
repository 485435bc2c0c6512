package io.herald.subscription.attempt;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.subscription.paging.PageRequest;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /v1/endpoints/{id}/attempts}, scope {@code endpoints:read}: the delivery log of one endpoint, with cursor
 * pagination. A resource class of its own, with the full path: JAX-RS matches classes by their path first, so a shared
 * {@code /v1} class would lose {@code /v1/endpoints/...} to the endpoints resource.
 */
@Path("/v1/endpoints/{id}/attempts")
@Tag(name = "Attempts")
@Produces(MediaType.APPLICATION_JSON)
public class EndpointAttemptResource {

    private final AttemptService service;
    private final CurrentCaller currentCaller;
    private final AttemptConfig config;

    public EndpointAttemptResource(AttemptService service, CurrentCaller currentCaller, AttemptConfig config) {
        this.service = service;
        this.currentCaller = currentCaller;
        this.config = config;
    }

    /** Attempts to one of the tenant's endpoints, newest first; 404 for an endpoint of another tenant. */
    @GET
    @Operation(operationId = "listEndpointAttempts", summary = "List an endpoint's delivery attempts")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<AttemptPage> list(@PathParam("id") String id, @BeanParam AttemptFilters filters,
            @BeanParam PageRequest page) {
        Caller caller = currentCaller.get();
        return service.forEndpoint(AttemptQuery.parse(caller.tenant(), id, null, filters, page, config));
    }
}
