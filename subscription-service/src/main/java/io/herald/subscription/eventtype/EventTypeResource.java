package io.herald.subscription.eventtype;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.messages.EventTypePattern;
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
import io.herald.subscription.paging.PageLimits;
import io.herald.subscription.paging.PageRequest;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v1/event-types}: the caller's tenant's event-type catalog. Reads need {@code endpoints:read} (subscribers
 * browse the catalog), writes {@code event-types:write}. Another tenant's type answers 404. A schema that is not valid
 * JSON Schema 2020-12, or an example that breaks it, is 422 naming each problem. Every change reaches
 * {@code herald.event-types}, from which ingest validates events.
 */
@Path("/v1/event-types")
@Tag(name = "Event types")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EventTypeResource {

    private static final String MERGE_PATCH_JSON = "application/merge-patch+json";
    private static final String CURSOR_TAG = "after";
    private static final String INVALID_TYPE = "urn:herald:problem:invalid-event-type";

    private final EventTypeService service;
    private final CurrentCaller currentCaller;
    private final RequestValidation validation;
    private final PageLimits limits;

    public EventTypeResource(EventTypeService service, CurrentCaller currentCaller, RequestValidation validation,
            SubscriptionConfig config) {
        this.service = service;
        this.currentCaller = currentCaller;
        this.validation = validation;
        this.limits = config.endpoints();
    }

    /** Registers an event type, optionally with the JSON schema its events' {@code data} must satisfy. */
    @POST
    @Operation(operationId = "createEventType", summary = "Register an event type")
    @SecurityRequirement(name = "bearer", scopes = Scopes.EVENT_TYPES_WRITE)
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventTypeResponse.class)))
    @APIResponse(responseCode = "409", description = "The tenant already has an event type of that name (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Invalid name, schema (not JSON Schema 2020-12) or examples (problem+json with the failures)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.EVENT_TYPES_WRITE)
    public Uni<Response> create(CreateEventTypeRequest request) {
        Caller caller = currentCaller.get();
        RequestValidation.requireBody(request);
        List<FieldError> errors = validation.violations(request);
        EventTypeRules.name(request.name(), errors);
        RequestValidation.failIfAny(errors);
        checkSchemaAndExamples(request.schema(), request.examples());
        return service.create(caller.tenant(), request).map(type -> Response
                .created(URI.create("/v1/event-types/" + type.name)).entity(EventTypeResponse.of(type)).build());
    }

    /**
     * The tenant's event types in name order, {@code limit} per page (the page sizes of {@code GET /v1/endpoints});
     * {@code nextCursor} (and the {@code Link} header) leads to the following page.
     */
    @GET
    @Operation(operationId = "listEventTypes", summary = "List event types")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @APIResponse(responseCode = "200", description = "One page of event types, in name order", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventTypeListResponse.class)))
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<Response> list(@BeanParam PageRequest page) {
        Caller caller = currentCaller.get();
        int size = page.limit(limits);
        String after = page.cursor() == null ? null : decodeCursor(page.cursor());
        return service.list(caller.tenant(), after, Page.fetchSize(size))
                .map(types -> Page.of(types, size, (EventType last) -> encodeCursor(last.name)))
                .map(listed -> listed.linked(
                        new EventTypeListResponse(listed.data(EventTypeResponse::of), listed.nextCursor()),
                        "/v1/event-types", size));
    }

    @GET
    @Path("/{name}")
    @Operation(operationId = "getEventType", summary = "Get an event type")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_READ)
    @APIResponse(responseCode = "200", description = "The event type", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventTypeResponse.class)))
    @APIResponse(responseCode = "404", description = "The tenant has no event type of that name (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.ENDPOINTS_READ)
    public Uni<EventTypeResponse> get(@PathParam("name") String name) {
        Caller caller = currentCaller.get();
        return service.get(caller.tenant(), name).map(EventTypeResponse::of);
    }

    /**
     * Changes some fields (JSON merge patch): absent fields stay, null clears {@code description}, {@code schema} or
     * {@code examples}. The examples must satisfy the schema the type has after the patch.
     */
    @PATCH
    @Path("/{name}")
    @Consumes({ MediaType.APPLICATION_JSON, MERGE_PATCH_JSON })
    @Operation(operationId = "updateEventType", summary = "Update an event type (JSON merge patch)")
    @SecurityRequirement(name = "bearer", scopes = Scopes.EVENT_TYPES_WRITE)
    @APIResponse(responseCode = "200", description = "The event type as changed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventTypeResponse.class)))
    @APIResponse(responseCode = "404", description = "The tenant has no event type of that name (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Invalid schema or examples (problem+json with the failures)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.EVENT_TYPES_WRITE)
    public Uni<EventTypeResponse> update(@PathParam("name") String name, UpdateEventTypeRequest request) {
        Caller caller = currentCaller.get();
        RequestValidation.requireBody(request);
        List<FieldError> errors = validation.violations(request);
        if (request.has("deprecated") && request.getDeprecated() == null) {
            errors.add(new FieldError("deprecated", "cannot be null"));
        }
        RequestValidation.failIfAny(errors);
        if (request.has("schema") || request.has("examples")) {
            // The examples are checked against the schema the type will have: the new one, or the stored one.
            return service.get(caller.tenant(), name).chain(current -> {
                checkSchemaAndExamples(request.has("schema") ? request.getSchema() : current.schema(),
                        request.has("examples") ? request.getExamples() : examples(current));
                return service.update(caller.tenant(), name, request);
            }).map(EventTypeResponse::of);
        }
        return service.update(caller.tenant(), name, request).map(EventTypeResponse::of);
    }

    /** Deletes the event type; ingest stops validating its events once it reads the tombstone. */
    @DELETE
    @Path("/{name}")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "deleteEventType", summary = "Delete an event type")
    @SecurityRequirement(name = "bearer", scopes = Scopes.EVENT_TYPES_WRITE)
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "The tenant has no event type of that name (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RolesAllowed(Scopes.EVENT_TYPES_WRITE)
    public Uni<Response> delete(@PathParam("name") String name) {
        Caller caller = currentCaller.get();
        return service.delete(caller.tenant(), name).map(ignored -> Response.noContent().build());
    }

    private static void checkSchemaAndExamples(JsonNode schema, List<JsonNode> examples) {
        List<FieldError> problems = new ArrayList<>(EventTypeRules.schema(schema));
        if (!problems.isEmpty()) {
            throw ProblemException.unprocessable(INVALID_TYPE, "Invalid event type",
                    "The schema is not valid JSON Schema 2020-12", problems);
        }
        problems.addAll(EventTypeRules.examples(examples, schema));
        if (!problems.isEmpty()) {
            throw ProblemException.unprocessable(INVALID_TYPE, "Invalid event type",
                    problems.size() + " problem(s) with the examples", problems);
        }
    }

    private static List<JsonNode> examples(EventType type) {
        JsonNode examples = type.examples();
        if (examples == null) {
            return null;
        }
        List<JsonNode> list = new ArrayList<>();
        examples.forEach(list::add);
        return list;
    }

    static String encodeCursor(String lastName) {
        return Cursor.encode(CURSOR_TAG, lastName);
    }

    static String decodeCursor(String cursor) {
        String name = Cursor.decode(cursor, CURSOR_TAG, 1)[0];
        if (!EventTypePattern.isValidEventType(name)) {
            throw Cursor.invalid();
        }
        return name;
    }
}
