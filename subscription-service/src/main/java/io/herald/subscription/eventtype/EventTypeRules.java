package io.herald.subscription.eventtype;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.messages.EventTypePattern;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.schema.EventSchema;

/**
 * What an event type must be beyond bean validation: a valid event type name outside {@code herald.*}, a schema that is
 * valid JSON Schema 2020-12 (see {@link EventSchema}), and examples that are objects satisfying that schema.
 */
final class EventTypeRules {

    static final String NAME_PATTERN = "^[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)+$";
    static final int MAX_EXAMPLES = 10;
    static final String SCHEMA_DESCRIPTION = "JSON Schema 2020-12 that the data of every event of this type must "
            + "satisfy; ingest refuses an event that does not (422). $ref may only point inside the schema; format "
            + "is asserted";

    private EventTypeRules() {
    }

    static void name(String name, List<FieldError> errors) {
        if (name == null || name.isBlank()) {
            return;
        }
        if (OperationalEvents.isOperational(name)) {
            errors.add(new FieldError("name", "types under '" + OperationalEvents.PREFIX + "' are Herald's own"));
        } else if (!EventTypePattern.isValidEventType(name)) {
            errors.add(new FieldError("name", "must be at least two dot-separated segments of letters, digits, '_' "
                    + "and '-', at most " + EventTypePattern.MAX_LENGTH + " characters, e.g. order.created"));
        }
    }

    /** The schema's problems (field {@code schema...}); empty when it is null or valid. */
    static List<FieldError> schema(JsonNode schema) {
        return schema == null || schema.isNull() ? List.of() : EventSchema.problems("schema", schema);
    }

    /** Each example must be a JSON object and, when there is a valid schema, satisfy it. */
    static List<FieldError> examples(List<JsonNode> examples, JsonNode schema) {
        List<FieldError> errors = new ArrayList<>();
        if (examples == null) {
            return errors;
        }
        EventSchema compiled = schema == null || schema.isNull() ? null : EventSchema.compile(schema);
        for (int i = 0; i < examples.size(); i++) {
            JsonNode example = examples.get(i);
            if (example == null || !example.isObject()) {
                errors.add(new FieldError("examples/" + i, "must be a JSON object (an example of data)"));
            } else if (compiled != null) {
                errors.addAll(compiled.validate(example, "examples/" + i));
            }
        }
        return errors;
    }
}
