package io.herald.contracts.json;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads JSON trees whose numbers keep the producer's exact text ({@link ExactNumberNode}), so an event's {@code data}
 * reaches the subscriber with the bytes of its numbers unchanged through ingest, Kafka and dispatch. Jackson's own tree
 * reader turns every fraction into a {@code double} ({@code 0.1000000000000000000001} becomes {@code 0.1},
 * {@code 1e400} becomes {@code Infinity}). Integers that Jackson writes back unchanged stay ordinary int/long/big
 * integer nodes.
 */
final class ExactTreeDeserializer extends StdDeserializer<JsonNode> {

    private static final long serialVersionUID = 1L;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    ExactTreeDeserializer() {
        super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.FIELD_NAME) {
            // Called inside an object whose START_OBJECT was already consumed.
            return object(p, ctxt);
        }
        return value(p, ctxt);
    }

    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
        return NODES.nullNode();
    }

    private JsonNode value(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                p.nextToken();
                return object(p, ctxt);
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(p, ctxt));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return integer(p);
            }
            case VALUE_NUMBER_FLOAT -> {
                return exact(p);
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            case VALUE_EMBEDDED_OBJECT -> {
                return NODES.pojoNode(p.getEmbeddedObject());
            }
            default -> {
                return (JsonNode) ctxt.handleUnexpectedToken(JsonNode.class, p);
            }
        }
    }

    /** Reads fields from the current FIELD_NAME (or END_OBJECT) to the END_OBJECT. */
    private ObjectNode object(JsonParser p, DeserializationContext ctxt) throws IOException {
        ObjectNode object = NODES.objectNode();
        for (JsonToken token = p.currentToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            String name = p.currentName();
            p.nextToken();
            object.set(name, value(p, ctxt));
        }
        return object;
    }

    private static JsonNode integer(JsonParser p) throws IOException {
        JsonNode standard = switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
        };
        String text = p.getText();
        // Only "-0" is written back differently ("0").
        return standard.asText().equals(text) ? standard : new ExactNumberNode(text, new BigDecimal(text));
    }

    private static JsonNode exact(JsonParser p) throws IOException {
        String text = p.getText();
        try {
            return new ExactNumberNode(text, new BigDecimal(text));
        } catch (NumberFormatException | ArithmeticException e) {
            // E.g. an exponent past what BigDecimal holds (1e9999999999): refused, never rounded.
            throw InvalidFormatException.from(p, "A number Herald cannot keep exactly (exponent out of range)", text,
                    JsonNode.class);
        }
    }
}
