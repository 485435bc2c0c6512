package io.herald.subscription.deadletter;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.herald.contracts.messages.DeadLetterReason;
import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.paging.KeysetCursor;
import io.herald.subscription.paging.PageRequest;
import io.herald.subscription.paging.QueryParams;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v1/dead-letters}: the caller's tenant's deliveries that were given up (retries exhausted, endpoint disabled,
 * address refused, postponed too long). Listing needs {@code endpoints:read}, replaying {@code endpoints:write}.
 */
@Path("/v1/dead-letters")
@Tag(name = "Dead letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final DeadLetterService service;
    private final CurrentCaller currentCaller;
    private final DeadLetterConfig config;

    public DeadLetterResource(DeadLetterService service, CurrentCaller currentCaller, DeadLetterConfig config) {
        this.service = service;
        this.currentCaller = currentCaller;
        this.config = config;
    }

    /** Newest first; filter by endpoint, by replayed or not, and by reason. */
    @GET
    @Operation(operationId = "listDeadLetters", summary = "List dead letters")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<DeadLetterPage> list(@QueryParam("endpointId") String endpointId,
            @Parameter(description = "true: only replayed ones; false: only pending ones") @QueryParam("replayed") String replayed,
            @Parameter(description = "only dead letters given up for this reason", schema = @Schema(type = SchemaType.STRING, enumeration = {
                    "exhausted", "endpoint_disabled", "egress_refused",
                    "postponed_too_long" })) @QueryParam("reason") String reason,
            @BeanParam PageRequest page) {
        Caller caller = currentCaller.get();
        int size = page.limit(config);
        return service.list(caller.tenant(), endpointId, QueryParams.bool("replayed", replayed), reason(reason),
                KeysetCursor.decode(page.cursor()), size);
    }

    private static DeadLetterReason reason(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            if (DeadLetterResponse.reason(reason).equalsIgnoreCase(value.trim())) {
                return reason;
            }
        }
        String names = Arrays.stream(DeadLetterReason.values()).map(DeadLetterResponse::reason)
                .collect(Collectors.joining(", "));
        throw ProblemException.invalid("Query parameter 'reason' is not a dead-letter reason",
                List.of(new Problem.FieldError("reason", "must be one of " + names)));
    }

    /**
     * Sends the delivery again (same {@code webhook-id}, attempts reset) and answers 202 with the dead letter, now
     * {@code replayed}. A dead letter already replayed is not sent again: the answer is the same 202.
     */
    @POST
    @Path("/{id}/replay")
    @Operation(operationId = "replayDeadLetter", summary = "Replay a dead letter")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @APIResponse(responseCode = "202", description = "Sent again (or already replayed); the dead letter, now replayed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeadLetterResponse.class)))
    @APIResponse(responseCode = "409", description = "Its endpoint is disabled: enable it first (problem+json, type urn:herald:problem:endpoint-disabled)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Uni<Response> replay(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return service.replay(caller.tenant(), id).map(
                letter -> Response.accepted(DeadLetterResponse.of(letter)).type(MediaType.APPLICATION_JSON).build());
    }
}
