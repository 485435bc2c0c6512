package io.herald.ingest.event;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.smallrye.mutiny.Uni;

/** {@code POST /v1/events}: a producer hands Herald one event; 202 means Kafka has it. */
@Path("/v1/events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityRequirement(name = "bearer", scopes = Scopes.EVENTS_WRITE)
public class EventResource {

    private final EventService events;
    private final CurrentCaller currentCaller;

    public EventResource(EventService events, CurrentCaller currentCaller) {
        this.events = events;
        this.currentCaller = currentCaller;
    }

    @POST
    @Operation(summary = "Publish one event", description = "Answers 202 only once Kafka acknowledged the event "
            + "(acks=all). Requires the scope events:write; the tenant comes from the token.")
    @APIResponse(responseCode = "202", description = "Stored in Kafka; it will be delivered to every matching endpoint", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventAccepted.class)))
    @APIResponse(responseCode = "400", description = "Invalid event; 'errors' names each invalid field", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "Missing or invalid bearer token", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The token lacks events:write", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body larger than the configured limit (256 KiB by default)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time; retry after Retry-After seconds with the same id", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<EventAccepted>> publish(
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventRequest.class))) String body) {
        // The body is parsed here, after the scope check, so that every malformed or invalid body gets a
        // problem+json answer naming what is wrong (a bound parameter would fail in the JSON reader first).
        Caller caller = currentCaller.require(Scopes.EVENTS_WRITE);
        return events.publish(events.toEvent(caller, body))
                .map(event -> RestResponse.status(Response.Status.ACCEPTED, new EventAccepted(event.id())));
    }
}
