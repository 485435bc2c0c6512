package io.herald.subscription.eventtype;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

import io.herald.subscription.LenientBody;

/**
 * Body of {@code POST /v1/event-types}.
 *
 * @param name the event {@code type} it describes, e.g. {@code order.created}: two or more dot-separated segments of
 *        letters, digits, '_' and '-', at most 128 characters; not under the reserved {@code herald.}
 * @param description optional note for people, at most 512 characters
 * @param schema optional JSON Schema 2020-12 the events' {@code data} must satisfy; checked when stored
 * @param examples optional examples of {@code data} (at most 10), each valid against the schema
 * @param deprecated the type should no longer be produced (events are still accepted); default false
 */
public record CreateEventTypeRequest(
        @NotBlank @Size(max = 128) @Schema(required = true, examples = "order.created", maxLength = 128, pattern = EventTypeRules.NAME_PATTERN) String name,
        @Size(max = 512) String description,
        @Schema(type = SchemaType.OBJECT, implementation = Object.class, description = EventTypeRules.SCHEMA_DESCRIPTION) JsonNode schema,
        @Size(max = EventTypeRules.MAX_EXAMPLES) @Schema(description = "Examples of data, each valid against the schema") List<JsonNode> examples,
        Boolean deprecated, @JsonAnySetter @Schema(hidden = true) Map<String, Object> unknown) implements LenientBody {

    @Override
    public Set<String> unknownFields() {
        return unknown == null ? Set.of() : unknown.keySet();
    }
}
