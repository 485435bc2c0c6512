package io.herald.subscription.testevent;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /v1/endpoints/{id}/test-events}; both fields optional.
 *
 * @param eventType the event type to send, default {@value TestEventResource#DEFAULT_TYPE}
 * @param data the event's {@code data} object, default a short message
 */
public record TestEventRequest(
        @Schema(description = "Event type of the test event", defaultValue = TestEventResource.DEFAULT_TYPE, examples = "order.created") String eventType,
        @Schema(description = "The event's data object; default {\"message\": \"...\"}") Map<String, Object> data) {

    static final TestEventRequest DEFAULTS = new TestEventRequest(null, null);
}
