package io.herald.subscription.portal;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.subscription.RequestValidation;
import io.herald.subscription.StrictBody;

/**
 * {@code POST /v1/portal-sessions}, scope {@code endpoints:write}: the producer's backend asks for a short-lived link
 * to the subscriber portal of its tenant, and hands it to its customer. A portal token cannot create sessions itself
 * ({@link PortalAccessFilter}), so a session never outlives the one it came from.
 */
@Path("/v1/portal-sessions")
@Tag(name = "Portal")
@Produces(MediaType.APPLICATION_JSON)
public class PortalSessionResource {

    /** Where the page lives on this service. */
    public static final String PORTAL_PATH = "/portal/";

    private final CurrentCaller currentCaller;
    private final PortalTokens tokens;
    private final PortalConfig config;
    private final RequestValidation validation;
    private final Clock clock;

    public PortalSessionResource(CurrentCaller currentCaller, PortalTokens tokens, PortalConfig config,
            RequestValidation validation, Clock clock) {
        this.currentCaller = currentCaller;
        this.tokens = tokens;
        this.config = config;
        this.validation = validation;
        this.clock = clock;
    }

    /** Answers 201 with the link and when it expires. */
    @POST
    @Operation(operationId = "createPortalSession", summary = "Create a link to the subscriber portal")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @APIResponse(responseCode = "422", description = "An invalid expiry or event type (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "201", description = "The link", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PortalSessionResponse.class)))
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.WILDCARD })
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Response create(
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PortalSessionRequest.class))) String body,
            @Context UriInfo uri) {
        Caller caller = currentCaller.get();
        PortalSessionRequest request = StrictBody.read(body, PortalSessionRequest.class, PortalSessionRequest.DEFAULTS);
        List<FieldError> errors = validation.violations(request);
        long ttl = request.expiresInSeconds() == null ? config.defaultTtlSeconds() : request.expiresInSeconds();
        if (ttl < 60 || ttl > config.maxTtlSeconds()) {
            errors.add(new FieldError("expiresInSeconds", "must be between 60 and " + config.maxTtlSeconds()));
        }
        RequestValidation.failIfAny(errors);
        Instant expiresAt = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(ttl);
        List<String> eventTypes = request.eventTypes() == null ? List.of()
                : request.eventTypes().stream().distinct().toList();
        String token = tokens.mint(caller.tenant(), eventTypes, expiresAt);
        String base = config.baseUrl().map(url -> url.replaceAll("/+$", ""))
                .orElseGet(() -> uri.getBaseUri().toString().replaceAll("/+$", ""));
        URI link = URI.create(base + PORTAL_PATH + "#token=" + token);
        return Response.status(Response.Status.CREATED).entity(new PortalSessionResponse(link.toString(), expiresAt))
                .build();
    }
}
