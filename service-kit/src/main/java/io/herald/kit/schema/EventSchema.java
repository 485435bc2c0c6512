package io.herald.kit.schema;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;

import io.herald.kit.problem.Problem.FieldError;

/**
 * The JSON Schema (2020-12) of an event type's {@code data}, compiled once and used for every event of that type.
 * Subscription checks a schema with {@link #problems} before storing it; ingest compiles the stored ones with
 * {@link #compile} and validates each event with {@link #validate}, in memory.
 * <p>
 * A schema may not load anything from elsewhere: a {@code $ref} must point into the schema itself (the library's
 * default loader only knows the bundled meta-schemas and never fetches over the network). Format assertions are on, so
 * {@code "format": "date-time"} or {@code "email"} are checked, not just annotations. Thread-safe.
 */
public final class EventSchema {

    /** The largest schema accepted, in characters of its JSON text. */
    public static final int MAX_SCHEMA_CHARS = 64 * 1024;
    /** Failures reported per event at most (a huge invalid payload does not make a huge answer). */
    public static final int MAX_ERRORS = 20;

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER)
                    .formatAssertionsEnabled(true).build()));
    private static final Schema META = REGISTRY.getSchema(SchemaLocation.of(META_SCHEMA));

    private final Schema schema;

    private EventSchema(Schema schema) {
        this.schema = schema;
    }

    /**
     * What is wrong with {@code schema} as an event type's schema, each as a field error under {@code field} (e.g.
     * {@code schema/properties/amount/type}); empty when it can be stored.
     */
    public static List<FieldError> problems(String field, JsonNode schema) {
        List<FieldError> problems = new ArrayList<>();
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            problems.add(new FieldError(field, "must be a JSON Schema (an object or a boolean)"));
            return problems;
        }
        if (schema.toString().length() > MAX_SCHEMA_CHARS) {
            problems.add(new FieldError(field, "must be at most " + MAX_SCHEMA_CHARS + " characters of JSON"));
            return problems;
        }
        JsonNode dialect = schema.get("$schema");
        if (dialect != null && !(dialect.isTextual() && dialect.asText().startsWith(META_SCHEMA))) {
            problems.add(new FieldError(field + "/$schema", "must be " + META_SCHEMA + " (JSON Schema 2020-12)"));
            return problems;
        }
        for (Error error : limit(META.validate(schema))) {
            problems.add(new FieldError(field + error.getInstanceLocation(), error.getMessage()));
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        try {
            // Compiling resolves every $ref; one that points elsewhere fails here, not on the first event.
            REGISTRY.getSchema(schema).initializeValidators();
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            problems.add(new FieldError(field, "cannot be compiled: " + e.getMessage()));
        }
        return problems;
    }

    /** The compiled form of a schema {@link #problems} accepted. */
    public static EventSchema compile(JsonNode schema) {
        Schema compiled = REGISTRY.getSchema(schema);
        compiled.initializeValidators();
        return new EventSchema(compiled);
    }

    /**
     * Every way {@code data} breaks the schema (at most {@link #MAX_ERRORS}): the JSON pointer of the failing value,
     * prefixed with {@code pointerPrefix} (e.g. {@code /data}, giving {@code /data/amount}), and the reason.
     */
    public List<FieldError> validate(JsonNode data, String pointerPrefix) {
        List<Error> errors = schema.validate(data);
        if (errors.isEmpty()) {
            return List.of();
        }
        List<FieldError> failures = new ArrayList<>(Math.min(errors.size(), MAX_ERRORS));
        for (Error error : limit(errors)) {
            failures.add(new FieldError(pointerPrefix + error.getInstanceLocation(), message(error)));
        }
        return failures;
    }

    private static List<Error> limit(List<Error> errors) {
        return errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors;
    }

    /** The library's message starts with the instance location; the field says it already. */
    private static String message(Error error) {
        String message = error.getMessage();
        String location = String.valueOf(error.getInstanceLocation());
        if (message != null && message.startsWith(location + ": ")) {
            return message.substring(location.length() + 2);
        }
        return message;
    }
}
