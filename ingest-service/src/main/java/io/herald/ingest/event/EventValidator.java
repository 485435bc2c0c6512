package io.herald.ingest.event;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventTypePattern;
import io.herald.contracts.messages.OperationalEvents;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;

/**
 * The rules an event must follow to be accepted. Works on the JSON tree rather than a bound object so that a wrong type
 * ({@code "type": 5}) is reported like any other broken rule, with its field, all at once.
 */
public final class EventValidator {

    public static final int MAX_ORDERING_KEY_LENGTH = 256;

    /** Strict about what Jackson would otherwise forgive: a second value after the object, a repeated field. */
    private static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private EventValidator() {
    }

    /** The JSON object in {@code body}; a 400 problem when it is empty, not JSON, or not an object. */
    public static JsonNode parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("The body must be a JSON object with at least 'type' and 'data'");
        }
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw ProblemException.badRequest("The body is not valid JSON: " + e.getOriginalMessage() + where);
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badRequest("The body must be a JSON object with at least 'type' and 'data'");
        }
        return node;
    }

    /** The broken rules of the event object {@code body}; empty when it can be accepted. */
    public static List<FieldError> check(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        checkType(body.get("type"), errors);

        JsonNode data = body.get("data");
        if (data == null || data.isNull()) {
            errors.add(new FieldError("data", "is required"));
        } else if (!data.isObject()) {
            errors.add(new FieldError("data", "must be a JSON object"));
        }

        String id = optionalText(body, "id", errors);
        if (id != null && !EventIds.isValid(id)) {
            errors.add(new FieldError("id", "must be 1 to 64 characters of letters, digits, '_', '.', ':' and '-'"));
        }

        String orderingKey = optionalText(body, "orderingKey", errors);
        if (orderingKey != null && (orderingKey.isEmpty() || orderingKey.length() > MAX_ORDERING_KEY_LENGTH)) {
            errors.add(new FieldError("orderingKey", "must be 1 to " + MAX_ORDERING_KEY_LENGTH + " characters"));
        }

        String occurredAt = optionalText(body, "occurredAt", errors);
        if (occurredAt != null && parseOccurredAt(occurredAt) == null) {
            errors.add(new FieldError("occurredAt",
                    "must be an ISO-8601 timestamp with an offset, e.g. 2026-01-01T12:00:00Z"));
        }
        return errors;
    }

    /** The instant of an ISO-8601 timestamp with an offset ({@code Z} or {@code +02:00}), or null. */
    public static Instant parseOccurredAt(String value) {
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(value, OffsetDateTime::from).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void checkType(JsonNode type, List<FieldError> errors) {
        if (type == null || type.isNull() || (type.isTextual() && type.asText().isEmpty())) {
            errors.add(new FieldError("type", "is required"));
        } else if (!type.isTextual()) {
            errors.add(new FieldError("type", "must be a string"));
        } else if (OperationalEvents.isOperational(type.asText())) {
            // Herald's own operational events; a producer must not be able to forge them.
            errors.add(new FieldError("type",
                    "types under '" + OperationalEvents.PREFIX + "' are reserved for Herald's own events"));
        } else if (!EventTypePattern.isValidEventType(type.asText())) {
            errors.add(new FieldError("type",
                    "must be at least two dot-separated segments of letters, digits, '_' and '-', at most "
                            + EventTypePattern.MAX_LENGTH + " characters, e.g. order.created"));
        }
    }

    /** The text of an optional string field, or null when it is absent, null, or (reported) not a string. */
    private static String optionalText(JsonNode body, String field, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return value.asText();
    }
}
