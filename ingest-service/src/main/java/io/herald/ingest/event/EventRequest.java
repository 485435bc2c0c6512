package io.herald.ingest.event;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event as a producer POSTs it, read from the JSON body only once {@link EventValidator} found it valid (so that
 * every invalid field is named in one answer, instead of the first one a data binder trips over).
 *
 * @param type dotted event type, e.g. {@code order.created}; {@code herald.*} is reserved
 * @param data the payload, a JSON object delivered unchanged
 * @param id the producer's event id (it becomes the {@code webhook-id}); generated when absent
 * @param orderingKey events with the same ordering key keep their order; the event id otherwise
 * @param occurredAt ISO-8601 timestamp with an offset; the time ingest accepted the event otherwise
 */
@Schema(name = "EventRequest", description = "An event to deliver to every endpoint of the tenant that subscribes to its type")
public record EventRequest(
        @Schema(required = true, examples = "order.created", maxLength = 128, pattern = "^[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)+$") String type,
        @Schema(required = true, type = SchemaType.OBJECT, implementation = Object.class, description = "JSON object, delivered unchanged", examples = "{\"orderId\": 42}") JsonNode data,
        @Schema(description = "Event id; generated when absent. Retry with the same id after a 503", examples = "evt_01JD2Z6Q7W8X9Y0Z1A2B3C4D5E", maxLength = 64, pattern = "^[A-Za-z0-9_.:-]{1,64}$") String id,
        @Schema(description = "Events with the same ordering key stay in order", maxLength = 256, examples = "order-42") String orderingKey,
        @Schema(description = "When it happened, ISO-8601 with an offset", examples = "2026-01-01T12:00:00Z", format = "date-time") String occurredAt) {

    /** The request in {@code body}, a JSON object that {@link EventValidator#check(JsonNode)} accepted. */
    public static EventRequest from(JsonNode body) {
        return new EventRequest(text(body, "type"), body.get("data"), text(body, "id"), text(body, "orderingKey"),
                text(body, "occurredAt"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
