package io.herald.subscription.endpoint;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.herald.contracts.messages.EndpointAuth;
import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.RequestValidation;
import io.herald.subscription.SubscriptionConfig;
import io.herald.subscription.paging.Cursor;
import io.herald.subscription.paging.Page;
import io.herald.subscription.paging.PageRequest;
import io.herald.subscription.portal.PortalSession;
import io.herald.subscription.secret.SecretCipher;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v1/endpoints}: the caller's tenant's endpoints. Writes need {@code endpoints:write}, reads
 * {@code endpoints:read}. Another tenant's endpoint answers 404, exactly like one that does not exist. The scope is
 * checked before the body, so a caller who may not write learns nothing about what a valid body looks like.
 */
@Path("/v1/endpoints")
@Tag(name = "Endpoints")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EndpointResource {

    static final String MERGE_PATCH_JSON = "application/merge-patch+json";
    private static final String CURSOR_TAG = "after";
    private static final Pattern ENDPOINT_ID = Pattern.compile("ep_[0-9a-z]{1,61}");

    private final EndpointService service;
    private final EndpointRules rules;
    private final EndpointEgressGuard egress;
    private final CurrentCaller currentCaller;
    private final RequestValidation validation;
    private final SubscriptionConfig.Endpoints config;
    private final SecretCipher cipher;
    private final PortalSession portal;
    private final EndpointAuthRules authRules;

    public EndpointResource(EndpointService service, EndpointRules rules, EndpointEgressGuard egress,
            CurrentCaller currentCaller, RequestValidation validation, SubscriptionConfig config, SecretCipher cipher,
            PortalSession portal, EndpointAuthRules authRules) {
        this.authRules = authRules;
        this.service = service;
        this.rules = rules;
        this.egress = egress;
        this.currentCaller = currentCaller;
        this.validation = validation;
        this.config = config.endpoints();
        this.cipher = cipher;
        this.portal = portal;
    }

    /** Registers an endpoint; the answer carries its signing secret, the only one that does besides /secret. */
    @POST
    @Operation(operationId = "createEndpoint", summary = "Register an endpoint")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @APIResponse(responseCode = "201", description = "Registered; the answer holds the signing secret", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreatedEndpointResponse.class)))
    @APIResponse(responseCode = "409", description = "The tenant has its quota of endpoints (problem+json, type urn:herald:problem:endpoint-quota-exceeded)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The endpoint would be larger than one endpoint may be; errors name the largest fields (problem+json, type urn:herald:problem:endpoint-too-large)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Uni<Response> create(CreateEndpointRequest request) {
        Caller caller = currentCaller.get();
        if (request == null) {
            throw ProblemException.badRequest("The request needs a JSON body");
        }
        List<FieldError> errors = validation.violations(request);
        rules.url(request.url(), errors);
        rules.headers(request.headers(), errors);
        rules.rateLimit(request.rateLimitPerSecond(), errors);
        rules.retrySchedule(request.retryScheduleMs(), errors);
        portal.checkEventTypes(request.eventTypes(), errors);
        RequestValidation.failIfAny(errors);
        rules.requireValidFilter(request.filter());
        EndpointAuth auth = authRules.resolve(request.auth(), null);
        return egress.check(request.url()).chain(() -> checkTokenUrl(auth))
                .chain(() -> service.create(caller.tenant(), request, auth))
                .map(created -> Response.created(URI.create("/v1/endpoints/" + created.endpoint().id))
                        .entity(CreatedEndpointResponse.of(created, cipher)).build());
    }

    /**
     * The tenant's endpoints in id order, {@code limit} per page; {@code nextCursor} (and the {@code Link} header)
     * leads to the following page until it is null.
     */
    @GET
    @Operation(operationId = "listEndpoints", summary = "List endpoints")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @APIResponse(responseCode = "200", description = "One page of endpoints, in id order", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EndpointListResponse.class)))
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<Response> list(@BeanParam PageRequest page) {
        Caller caller = currentCaller.get();
        int size = page.limit(config);
        String afterId = page.cursor() == null ? null : decodeCursor(page.cursor());
        return service.list(caller.tenant(), afterId, Page.fetchSize(size))
                .map(endpoints -> Page.of(endpoints, size, (Endpoint last) -> encodeCursor(last.id)))
                .map(listed -> listed.linked(
                        new EndpointListResponse(listed.data(e -> EndpointResponse.of(e, cipher)), listed.nextCursor()),
                        "/v1/endpoints", size));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getEndpoint", summary = "Get an endpoint")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<EndpointResponse> get(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return service.get(caller.tenant(), id).map(e -> EndpointResponse.of(e, cipher));
    }

    /**
     * Changes some fields (JSON merge patch, {@code application/merge-patch+json} or {@code application/json}): absent
     * fields stay, null resets {@code description}, {@code headers}, {@code rateLimitPerSecond},
     * {@code retryScheduleMs} and {@code filter}. Every change reaches {@code herald.endpoints} with a new version.
     */
    @PATCH
    @Path("/{id}")
    @APIResponse(responseCode = "200", description = "The endpoint as changed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EndpointResponse.class)))
    @APIResponse(responseCode = "422", description = "The endpoint would be larger than one endpoint may be; errors name the largest fields (problem+json, type urn:herald:problem:endpoint-too-large)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Consumes({ MediaType.APPLICATION_JSON, MERGE_PATCH_JSON })
    @Operation(operationId = "updateEndpoint", summary = "Update an endpoint")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Uni<EndpointResponse> update(@PathParam("id") String id, UpdateEndpointRequest request) {
        Caller caller = currentCaller.get();
        if (request == null) {
            throw ProblemException.badRequest("The request needs a JSON body");
        }
        List<FieldError> errors = validation.violations(request);
        for (String required : List.of("url", "eventTypes", "enabled", "signingMode", "ordered")) {
            if (request.has(required) && switch (required) {
                case "url" -> request.getUrl() == null;
                case "eventTypes" -> request.getEventTypes() == null;
                case "signingMode" -> request.getSigningMode() == null;
                case "ordered" -> request.getOrdered() == null;
                default -> request.getEnabled() == null;
            }) {
                errors.add(new FieldError(required, "cannot be null"));
            }
        }
        rules.url(request.getUrl(), errors);
        rules.headers(request.getHeaders(), errors);
        rules.rateLimit(request.getRateLimitPerSecond(), errors);
        rules.retrySchedule(request.getRetryScheduleMs(), errors);
        portal.checkEventTypes(request.getEventTypes(), errors);
        RequestValidation.failIfAny(errors);
        rules.requireValidFilter(request.getFilter());
        Uni<Void> checked = request.getUrl() == null ? Uni.createFrom().voidItem() : egress.check(request.getUrl());
        return checked.chain(() -> checkTokenUrl(request.getAuth() == null ? null : request.getAuth().toAuth()))
                .chain(() -> service.update(caller.tenant(), id, request)).map(e -> EndpointResponse.of(e, cipher));
    }

    /** Deletes the endpoint; deliveries stop once dispatch reads its tombstone on {@code herald.endpoints}. */
    @DELETE
    @Path("/{id}")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "deleteEndpoint", summary = "Delete an endpoint")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @APIResponse(responseCode = "204", description = "Deleted")
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Uni<Response> delete(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return service.delete(caller.tenant(), id).map(ignored -> Response.noContent().build());
    }

    /**
     * What the endpoint's subscriber verifies signatures with, to its tenant only: the {@code whsec_} secret, or for a
     * {@code v1a} endpoint the {@code whpk_} public key.
     */
    @GET
    @Path("/{id}/secret")
    @Operation(operationId = "getEndpointSecret", summary = "Get an endpoint's signing secret")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    // A secret signs deliveries: a read-only token (a dashboard, the portal's listing) must not get it.
    @RolesAllowed({ Scopes.ENDPOINTS_WRITE, Scopes.ENDPOINTS_SECRETS })
    public Uni<EndpointSecretResponse> secret(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return service.secret(caller.tenant(), id).map(EndpointSecretResponse::new);
    }

    /**
     * Gives the endpoint a new signing key of its mode. Deliveries carry a signature with each key until the previous
     * one expires ({@code previousSecretExpiresAt}), so the subscriber can switch without losing a webhook.
     */
    @POST
    @Path("/{id}/rotate-secret")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "rotateEndpointSecret", summary = "Rotate an endpoint's signing secret")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Uni<RotatedSecretResponse> rotateSecret(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        return service.rotateSecret(caller.tenant(), id)
                .map(rotation -> new RotatedSecretResponse(rotation.secret(), rotation.previousSecretExpiresAt()));
    }

    /** An OAuth2 token URL, like the endpoint URL, must not lead where deliveries may never go. */
    private Uni<Void> checkTokenUrl(EndpointAuth auth) {
        return auth == null || auth.tokenUrl() == null ? Uni.createFrom().voidItem()
                : egress.check(auth.tokenUrl(), "auth.tokenUrl");
    }

    static String encodeCursor(String lastId) {
        return Cursor.encode(CURSOR_TAG, lastId);
    }

    static String decodeCursor(String cursor) {
        String id = Cursor.decode(cursor, CURSOR_TAG, 1)[0];
        if (!ENDPOINT_ID.matcher(id).matches()) {
            throw Cursor.invalid();
        }
        return id;
    }
}
