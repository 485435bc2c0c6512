package io.herald.ingest.event;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.EventMessage;
import io.herald.ingest.IngestConfig;
import io.herald.ingest.idempotency.Answer;
import io.herald.ingest.idempotency.IdempotencyService;
import io.herald.ingest.idempotency.RequestFingerprint;
import io.herald.ingest.ratelimit.TenantRateLimiter;
import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /v1/events} and {@code POST /v1/events/batch}: a producer hands Herald events; 202 means Kafka has them.
 * Order of checks: token and scope, the tenant's rate limit, the body, then the {@code Idempotency-Key}, then Kafka.
 */
@Path("/v1/events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityRequirement(name = "bearer", scopes = Scopes.EVENTS_WRITE)
@APIResponse(responseCode = "400", description = "Invalid request; 'errors' names each invalid field", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = "Missing or invalid bearer token", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "403", description = "The token lacks events:write", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "409", description = "A request with the same Idempotency-Key is still in progress; retry after Retry-After seconds to get its answer", headers = @Header(name = "Retry-After", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER)), content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "413", description = "Body larger than the configured limit (256 KiB by default)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "422", description = "The event breaks the JSON schema of its type in the tenant's event-type catalog (errors: a JSON pointer such as /data/amount per failure), its type is not registered while the tenant rejects unregistered types, or the Idempotency-Key was used for a different request within 24 hours", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "429", description = "The tenant's rate limit is exhausted; retry after Retry-After seconds", headers = @Header(name = "Retry-After", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER)), content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = "Kafka (or the idempotency store) did not answer in time, or too many events are in flight; retry after Retry-After seconds with the same ids and Idempotency-Key", headers = @Header(name = "Retry-After", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER)), content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class EventResource {

    private static final String IDEMPOTENCY_KEY_DESCRIPTION = "Makes a retry safe: the same key from the same tenant "
            + "within 24 hours returns the first answer (with Idempotent-Replayed: true) and publishes nothing new; "
            + "the same key with a different body is 422. 1 to 255 printable ASCII characters, e.g. a UUID.";

    private static final String REPLAYED_DESCRIPTION = "true when this is the stored answer of an earlier request "
            + "with the same Idempotency-Key (nothing was published this time)";

    private final EventService events;
    private final CurrentCaller currentCaller;
    private final TenantRateLimiter rateLimiter;
    private final IdempotencyService idempotency;
    private final int maxBatchEvents;
    private final MessageJson json;

    public EventResource(EventService events, CurrentCaller currentCaller, TenantRateLimiter rateLimiter,
            IdempotencyService idempotency, IngestConfig config, MessageJson json) {
        this.json = json;
        this.events = events;
        this.currentCaller = currentCaller;
        this.rateLimiter = rateLimiter;
        this.idempotency = idempotency;
        this.maxBatchEvents = config.batch().maxEvents();
    }

    @POST
    @Operation(operationId = "publishEvent", summary = "Publish one event", description = "Answers 202 only once Kafka acknowledged the event "
            + "(acks=all). Requires the scope events:write; the tenant comes from the token.")
    @APIResponse(responseCode = "202", description = "Stored in Kafka; it will be delivered to every matching endpoint", headers = @Header(name = IdempotencyService.REPLAYED_HEADER, description = REPLAYED_DESCRIPTION, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.BOOLEAN)), content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventAccepted.class)))
    @RolesAllowed(Scopes.EVENTS_WRITE)
    public Uni<Response> publish(
            @Parameter(name = IdempotencyService.HEADER, in = ParameterIn.HEADER, description = IDEMPOTENCY_KEY_DESCRIPTION) @HeaderParam(IdempotencyService.HEADER) String idempotencyKey,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventRequest.class))) String body) {
        // The body is parsed here, after the scope check, so that every malformed or invalid body gets a
        // problem+json answer naming what is wrong (a bound parameter would fail in the JSON reader first).
        Caller caller = currentCaller.get();
        rateLimiter.acquire(caller.tenant(), 1);
        JsonNode request = EventValidator.parseObject(body);
        EventMessage event = events.toEvent(caller, request);
        return idempotency
                .run(caller.tenant(), idempotencyKey, () -> RequestFingerprint.of("POST /v1/events", request),
                        () -> events.publish(event)
                                .map(e -> Answer.of(Response.Status.ACCEPTED.getStatusCode(),
                                        json.write(new EventAccepted(e.id())))))
                .map(answer -> toResponse(answer, null));
    }

    @POST
    @Path("/batch")
    @Operation(operationId = "publishEventBatch", summary = "Publish a batch of events", description = "Each item is judged on its own: valid items are "
            + "published even when others are invalid. Answers 207 with one result per item, in request order: 202 "
            + "(stored in Kafka), 400 (invalid, with errors), 422 (refused by the tenant's event-type catalog, with errors) "
            + "or 503 (not acknowledged in time: retry that item with the "
            + "same id). Costs one rate-limit token per event. The whole request fails only for what concerns all "
            + "items (token, rate limit, a body that is not {\"events\": [...]} with 1 to "
            + "herald.ingest.batch.max-events items). A batch with 503 items is not stored under its "
            + "Idempotency-Key, so its retry publishes again.")
    @APIResponse(responseCode = "207", description = "Per-item results; Retry-After is set when an item has status 503", headers = @Header(name = IdempotencyService.REPLAYED_HEADER, description = REPLAYED_DESCRIPTION, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.BOOLEAN)), content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchResult.class)))
    @RolesAllowed(Scopes.EVENTS_WRITE)
    public Uni<Response> publishBatch(
            @Parameter(name = IdempotencyService.HEADER, in = ParameterIn.HEADER, description = IDEMPOTENCY_KEY_DESCRIPTION) @HeaderParam(IdempotencyService.HEADER) String idempotencyKey,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BatchRequest.class))) String body) {
        Caller caller = currentCaller.get();
        JsonNode request = EventValidator.parseObject(body);
        JsonNode items = request.get("events");
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > maxBatchEvents) {
            throw ProblemException.invalid(
                    "The body must be {\"events\": [...]} with 1 to " + maxBatchEvents + " events",
                    List.of(new Problem.FieldError("events", "must be an array of 1 to " + maxBatchEvents + " events"
                            + (items != null && items.isArray() ? ", got " + items.size() : ""))));
        }
        rateLimiter.acquire(caller.tenant(), items.size());
        List<EventService.BatchItem> prepared = events.prepareBatch(caller, items);
        return idempotency
                .run(caller.tenant(), idempotencyKey, () -> RequestFingerprint.of("POST /v1/events/batch", request),
                        () -> events.publishBatch(prepared).map(result -> {
                            boolean retryable = result.results().stream().anyMatch(r -> r.status() >= 500);
                            String results = json.write(result);
                            return retryable ? Answer.retryable(207, results) : Answer.of(207, results);
                        }))
                .map(answer -> toResponse(answer, answer.isFinal() ? null : events.retryAfter().toSeconds()));
    }

    private static Response toResponse(Answer answer, Long retryAfterSeconds) {
        Response.ResponseBuilder response = Response.status(answer.status()).type(MediaType.APPLICATION_JSON)
                .entity(answer.body());
        if (retryAfterSeconds != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        if (answer.replayed()) {
            response.header(IdempotencyService.REPLAYED_HEADER, "true");
        }
        return response.build();
    }
}
