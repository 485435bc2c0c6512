package io.herald.subscription.eventtype;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

/** An event type as the API shows it; {@code schema} and {@code examples} are null when not set. */
public record EventTypeResponse(String name, String description,
        @Schema(type = SchemaType.OBJECT, implementation = Object.class, description = EventTypeRules.SCHEMA_DESCRIPTION) JsonNode schema,
        List<JsonNode> examples, boolean deprecated, Instant createdAt, Instant updatedAt) {

    static EventTypeResponse of(EventType type) {
        JsonNode examples = type.examples();
        List<JsonNode> list = null;
        if (examples != null) {
            list = new ArrayList<>();
            examples.forEach(list::add);
        }
        return new EventTypeResponse(type.name, type.description, type.schema(), list, type.deprecated, type.createdAt,
                type.updatedAt);
    }
}
