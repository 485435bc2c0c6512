package io.herald.subscription;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.herald.contracts.Json;
import io.herald.kit.problem.Problem;
import io.herald.kit.problem.ProblemException;

/**
 * Reads a request body into its record refusing fields the record does not have: 422 naming the field, so a typo or a
 * field of a newer API version is never silently ignored. Resources take the body as a string and convert it here (and
 * document the record with {@code @RequestBody}).
 */
public final class StrictBody {

    private static final ObjectMapper STRICT = Json.configure(Json.mapper().copy())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StrictBody() {
    }

    /** The body as {@code type}; an absent or empty body reads as {@code empty}. */
    public static <T> T read(String raw, Class<T> type, T empty) {
        if (raw == null || raw.isBlank()) {
            return empty;
        }
        JsonNode body;
        try {
            body = STRICT.readTree(raw);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (body == null || body.isNull()) {
            return empty;
        }
        if (!body.isObject()) {
            throw ProblemException.badRequest("The body must be a JSON object");
        }
        try {
            return STRICT.treeToValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ProblemException(new Problem("urn:herald:problem:unknown-field", "Unknown field", 422,
                    "The request has a field this API does not know: '" + e.getPropertyName() + "'",
                    List.of(new Problem.FieldError(e.getPropertyName(), "unknown field"))), null);
        } catch (JsonProcessingException e) {
            String field = e instanceof JsonMappingException mapping
                    ? mapping.getPath().stream()
                            .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                            .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body")
                    : "body";
            throw ProblemException.badRequest("Field '" + field + "' has the wrong type or shape");
        }
    }
}
