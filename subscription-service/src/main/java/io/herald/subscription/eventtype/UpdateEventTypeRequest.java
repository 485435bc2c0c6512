package io.herald.subscription.eventtype;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.JsonNode;

import io.herald.subscription.LenientBody;
import io.herald.subscription.MergePatch;

/**
 * Body of {@code PATCH /v1/event-types/{name}} (JSON merge patch): an absent field stays; null clears
 * {@code description}, {@code schema} and {@code examples}; {@code deprecated} cannot be null. The name cannot change.
 */
@Schema(description = "Fields to change; absent fields stay, null clears description, schema or examples")
public class UpdateEventTypeRequest extends MergePatch implements LenientBody {

    @Size(max = 512)
    private String description;

    @Schema(type = SchemaType.OBJECT, implementation = Object.class, description = EventTypeRules.SCHEMA_DESCRIPTION)
    private JsonNode schema;

    @Size(max = EventTypeRules.MAX_EXAMPLES)
    private List<JsonNode> examples;

    private Boolean deprecated;

    @JsonIgnore
    private final Set<String> unknown = new HashSet<>();

    /** Records a body field this API does not know (refused with 422). */
    @JsonAnySetter
    void unknown(String field, Object ignored) {
        unknown.add(field);
    }

    @Override
    public Set<String> unknownFields() {
        return unknown;
    }

    public String getDescription() {
        return description;
    }

    @JsonSetter("description")
    public void setDescription(String description) {
        carried("description");
        this.description = description;
    }

    public JsonNode getSchema() {
        return schema;
    }

    @JsonSetter("schema")
    public void setSchema(JsonNode schema) {
        carried("schema");
        this.schema = schema == null || schema.isNull() ? null : schema;
    }

    public List<JsonNode> getExamples() {
        return examples;
    }

    @JsonSetter("examples")
    public void setExamples(List<JsonNode> examples) {
        carried("examples");
        this.examples = examples;
    }

    public Boolean getDeprecated() {
        return deprecated;
    }

    @JsonSetter("deprecated")
    public void setDeprecated(Boolean deprecated) {
        carried("deprecated");
        this.deprecated = deprecated;
    }
}
