package io.herald.kit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.herald.kit.problem.Problem.FieldError;

class EventSchemaTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ORDER = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["orderId", "amount"],
             "properties": {"orderId": {"type": "string"}, "amount": {"type": "integer", "minimum": 0},
                            "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}}},
             "$defs": {"line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}}}}
            """;

    @Test
    void shouldAcceptValidDataAndPointAtEachFailureUnderData() throws Exception {
        EventSchema schema = EventSchema.compile(json(ORDER));

        assertThat(schema.validate(json("{\"orderId\": \"o1\", \"amount\": 5}"), "/data")).isEmpty();
        List<FieldError> errors = schema.validate(
                json("{\"orderId\": 7, \"amount\": -1, \"lines\": [{\"sku\": \"a\"}, {\"qty\": 1}]}"), "/data");
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("/data/orderId", "/data/amount",
                "/data/lines/1");
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).isNotBlank().doesNotStartWith("/"));
    }

    @Test
    void shouldReportAMissingRequiredFieldAtItsObject() throws Exception {
        List<FieldError> errors = EventSchema.compile(json(ORDER)).validate(json("{\"orderId\": \"o1\"}"), "/data");

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("/data");
            assertThat(e.message()).contains("amount");
        });
    }

    @Test
    void shouldCheckFormats() throws Exception {
        EventSchema schema = EventSchema
                .compile(json("{\"properties\": {\"at\": {\"type\": \"string\", \"format\": \"date-time\"}}}"));

        assertThat(schema.validate(json("{\"at\": \"2026-01-01T00:00:00Z\"}"), "/data")).isEmpty();
        assertThat(schema.validate(json("{\"at\": \"yesterday\"}"), "/data")).extracting(FieldError::field)
                .containsExactly("/data/at");
    }

    @Test
    void shouldAcceptAGoodSchema() throws Exception {
        assertThat(EventSchema.problems("schema", json(ORDER))).isEmpty();
        assertThat(EventSchema.problems("schema", json("true"))).isEmpty();
    }

    @Test
    void shouldRefuseSchemasThatAreNotJsonSchema2020() throws Exception {
        assertThat(EventSchema.problems("schema", json("{\"type\": \"objekt\"}"))).extracting(FieldError::field)
                .contains("schema/type");
        assertThat(EventSchema.problems("schema", json("{\"properties\": {\"a\": {\"minimum\": \"x\"}}}")))
                .isNotEmpty();
        assertThat(EventSchema.problems("schema", json("[1]"))).isNotEmpty();
        assertThat(EventSchema.problems("schema",
                json("{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"type\": \"object\"}")))
                        .extracting(FieldError::field).containsExactly("schema/$schema");
    }

    @Test
    void shouldRefuseReferencesToAnythingOutsideTheSchema() throws Exception {
        assertThat(EventSchema.problems("schema", json("{\"$ref\": \"https://example.com/order.json\"}"))).isNotEmpty();
        assertThat(EventSchema.problems("schema", json("{\"$ref\": \"#/$defs/missing\"}"))).isNotEmpty();
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
