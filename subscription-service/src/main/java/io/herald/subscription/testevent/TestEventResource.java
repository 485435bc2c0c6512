package io.herald.subscription.testevent;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.contracts.MessageJson;
import io.herald.contracts.messages.DeliveryMessage;
import io.herald.contracts.messages.EventMessage;
import io.herald.contracts.messages.EventTypePattern;
import io.herald.contracts.messages.WebhookPayload;
import io.herald.kit.auth.Caller;
import io.herald.kit.auth.CurrentCaller;
import io.herald.kit.auth.Scopes;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.StrictBody;
import io.herald.subscription.deadletter.DeliveryReplayPublisher;
import io.herald.subscription.endpoint.EndpointService;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /v1/endpoints/{id}/test-events}, scope {@code endpoints:write}: sends a signed test event to one endpoint
 * of the tenant, whatever event types it subscribes to. The delivery goes straight to {@code herald.deliveries} for
 * that endpoint (not through {@code herald.events}, which would fan it out to every matching endpoint), so it is
 * retried, logged and dead-lettered like any other delivery.
 */
@Path("/v1/endpoints/{id}/test-events")
@Tag(name = "Endpoints")
@Produces(MediaType.APPLICATION_JSON)
public class TestEventResource {

    static final String DEFAULT_TYPE = "herald.test";

    private final EndpointService endpoints;
    private final DeliveryReplayPublisher publisher;
    private final CurrentCaller currentCaller;
    private final Clock clock;
    private final MessageJson json;

    public TestEventResource(EndpointService endpoints, DeliveryReplayPublisher publisher, CurrentCaller currentCaller,
            Clock clock, MessageJson json) {
        this.json = json;
        this.endpoints = endpoints;
        this.publisher = publisher;
        this.currentCaller = currentCaller;
        this.clock = clock;
    }

    /** Answers 202 once Kafka has the delivery; 404 for an endpoint of another tenant. */
    @POST
    @Operation(operationId = "sendTestEvent", summary = "Send a signed test event to one endpoint")
    @SecurityRequirement(name = "bearer", scopes = Scopes.ENDPOINTS_WRITE)
    @APIResponse(responseCode = "404", description = "The tenant has no endpoint of that id (problem+json)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "202", description = "On its way", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TestEventResponse.class)))
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.WILDCARD })
    @RolesAllowed(Scopes.ENDPOINTS_WRITE)
    public Uni<Response> send(@PathParam("id") String id,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TestEventRequest.class))) String body) {
        Caller caller = currentCaller.get();
        // The endpoint first: another tenant's endpoint answers 404 whatever the body, like every endpoint route.
        return endpoints.get(caller.tenant(), id).chain(endpoint -> {
            TestEventRequest request = StrictBody.read(body, TestEventRequest.class, TestEventRequest.DEFAULTS);
            String type = request.eventType() == null ? DEFAULT_TYPE : request.eventType();
            if (!EventTypePattern.isValidEventType(type)) {
                throw ProblemException.invalid("The request has 1 invalid field(s)",
                        List.of(new FieldError("eventType", "must be a dotted event type such as order.created")));
            }
            ObjectNode payloadData = request.data() == null
                    ? json.mapper().createObjectNode().put("message", "This is a test event sent by Herald")
                    : json.mapper().valueToTree(request.data());
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            EventMessage event = EventMessage.of("evt_test_" + UUID.randomUUID().toString().replace("-", ""),
                    caller.tenant(), type, payloadData, null, now, now);
            DeliveryMessage delivery = DeliveryMessage.first(event, endpoint.id, WebhookPayload.render(event), now);
            return publisher.publish(List.of(delivery)).map(ignored -> Response
                    .accepted(new TestEventResponse(event.id(), type, endpoint.id, delivery.id(), delivery.webhookId()))
                    .type(MediaType.APPLICATION_JSON).build());
        });
    }
}
