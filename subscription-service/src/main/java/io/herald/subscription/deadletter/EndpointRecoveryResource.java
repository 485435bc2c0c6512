package io.herald.subscription.deadletter;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.paging.QueryParams;
import io.smallrye.mutiny.Uni;

/** {@code POST /v1/endpoints/{id}/recover?since=}: replays the endpoint's dead letters since a time. */
@Path("/v1/endpoints/{id}/recover")
@Tag(name = "Dead letters")
@Produces(MediaType.APPLICATION_JSON)
public class EndpointRecoveryResource {

    private final DeadLetterService service;
    private final CurrentCaller currentCaller;

    public EndpointRecoveryResource(DeadLetterService service, CurrentCaller currentCaller) {
        this.service = service;
        this.currentCaller = currentCaller;
    }

    /**
     * Replays every dead letter of the endpoint that died at or after {@code since} and is not replayed yet; answers
     * 202 with how many this call replayed. Idempotent: a repeated call replays nothing it already replayed.
     */
    @POST
    @Operation(operationId = "recoverEndpoint", summary = "Replay an endpoint's dead letters since a time")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @APIResponse(responseCode = "202", description = "The dead letters sent again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RecoveryResponse.class)))
    @APIResponse(responseCode = "409", description = "The endpoint is disabled: enable it first (problem+json, type urn:herald:problem:endpoint-disabled)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Uni<Response> recover(@PathParam("id") String id,
            @Parameter(description = "ISO-8601 date-time; dead letters from then on are replayed", required = true) @QueryParam("since") String since) {
        Caller caller = currentCaller.get();
        Instant from = QueryParams.instant("since", since);
        if (from == null) {
            throw ProblemException.invalid("Query parameter 'since' is required",
                    List.of(new Problem.FieldError("since", "give an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z")));
        }
        return service.recover(caller.tenant(), id, from)
                .map(recovered -> Response.accepted(recovered).type(MediaType.APPLICATION_JSON).build());
    }
}
