package io.herald.subscription.endpoint;

import java.net.URI;
import java.util.List;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.SubscriptionConfig;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v1/endpoints}: the caller's tenant's endpoints. Writes need {@code endpoints:write}, reads
 * {@code endpoints:read}.
 */
@Path("/v1/endpoints")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EndpointResource {

    private final EndpointService service;
    private final CurrentCaller currentCaller;
    private final Validator validator;
    private final SubscriptionConfig.Endpoints config;

    public EndpointResource(EndpointService service, CurrentCaller currentCaller, Validator validator,
            SubscriptionConfig config) {
        this.service = service;
        this.currentCaller = currentCaller;
        this.validator = validator;
        this.config = config.endpoints();
    }

    /** Registers an endpoint; the answer carries its signing secret, the only one that does besides /secret. */
    @POST
    public Uni<Response> create(CreateEndpointRequest request) {
        // Scope first, then the body: a caller who may not write learns nothing about what a valid body looks like.
        Caller caller = currentCaller.require(Scopes.ENDPOINTS_WRITE);
        validate(request);
        return service.create(caller.tenant(), request)
                .map(endpoint -> Response.created(URI.create("/v1/endpoints/" + endpoint.id))
                        .entity(CreatedEndpointResponse.of(endpoint)).build());
    }

    /** The tenant's endpoints in id order, at most {@code limit} (cursor pagination comes later). */
    @GET
    public Uni<EndpointListResponse> list(@QueryParam("limit") Integer limit) {
        Caller caller = currentCaller.require(Scopes.ENDPOINTS_READ);
        int size = limit == null ? config.defaultLimit() : limit;
        if (size < 1 || size > config.maxLimit()) {
            throw ProblemException.invalid("Query parameter 'limit' is out of range",
                    List.of(new Problem.FieldError("limit", "must be between 1 and " + config.maxLimit())));
        }
        return service.list(caller.tenant(), size)
                .map(endpoints -> new EndpointListResponse(endpoints.stream().map(EndpointResponse::of).toList()));
    }

    @GET
    @Path("/{id}")
    public Uni<EndpointResponse> get(@PathParam("id") String id) {
        Caller caller = currentCaller.require(Scopes.ENDPOINTS_READ);
        return service.get(caller.tenant(), id).map(EndpointResponse::of);
    }

    /** The endpoint's current signing secret, to its tenant only. */
    @GET
    @Path("/{id}/secret")
    public Uni<EndpointSecretResponse> secret(@PathParam("id") String id) {
        Caller caller = currentCaller.require(Scopes.ENDPOINTS_READ);
        return service.get(caller.tenant(), id).map(endpoint -> new EndpointSecretResponse(endpoint.secret));
    }

    private void validate(CreateEndpointRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("The request needs a JSON body");
        }
        Set<ConstraintViolation<CreateEndpointRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
    }
}
