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
 * {@code GET /v1/events/{eventId}/attempts}, scope {@code endpoints:read}: the delivery log of one event, with cursor
 * pagination. A resource class of its own, with the full path: JAX-RS matches classes by their path first, so a shared
 * {@code /v1} class would lose {@code /v1/endpoints/...} to the endpoints resource.
 */
@Path("/v1/events/{eventId}/attempts")
@Tag(name = "Attempts")
@Produces(MediaType.APPLICATION_JSON)
public class EventAttemptResource {

    private final AttemptService service;
    private final CurrentCaller currentCaller;
    private final AttemptConfig config;

    public EventAttemptResource(AttemptService service, CurrentCaller currentCaller, AttemptConfig config) {
        this.service = service;
        this.currentCaller = currentCaller;
        this.config = config;
    }

    /** Attempts to deliver one event to the tenant's endpoints, newest first; empty for an event of another tenant. */
    @GET
    @Operation(operationId = "listEventAttempts", summary = "List an event's delivery attempts")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<AttemptPage> list(@PathParam("eventId") String eventId, @BeanParam AttemptFilters filters,
            @BeanParam PageRequest page) {
        Caller caller = currentCaller.get();
        return service.forEvent(AttemptQuery.parse(caller.tenant(), null, eventId, filters, page, config));
    }
}
