package io.herald.subscription.eventtype;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.herald.contracts.Json;
import io.herald.contracts.messages.EventTypeState;

/**
 * One event type of a tenant's catalog: its name is the {@code type} of the events it describes. Table
 * {@code event_type} (Flyway V15); unique per (tenant, name). The schema and examples are kept as JSON text.
 */
@Entity
@Table(name = "event_type")
public class EventType {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, updatable = false)
    public String tenant;

    @Column(nullable = false, updatable = false)
    public String name;

    public String description;

    /** JSON Schema 2020-12 of the events' {@code data} as JSON text, or null (any object). */
    @Column(name = "schema")
    public String schemaJson;

    /** A JSON array of example {@code data} objects, or null. */
    @Column(name = "examples")
    public String examplesJson;

    @Column(nullable = false)
    public boolean deprecated;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Optimistic lock; also the version of the {@link EventTypeState} published for it. */
    @Version
    public Long version;

    public JsonNode schema() {
        return parse(schemaJson);
    }

    public JsonNode examples() {
        return parse(examplesJson);
    }

    /** The record published on {@code herald.event-types}. */
    public EventTypeState toState() {
        return EventTypeState.of(tenant, name, schema(), deprecated, version == null ? 0 : version, updatedAt);
    }

    static String write(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable JSON in event_type", e);
        }
    }

    @Override
    public String toString() {
        return "EventType[tenant=" + tenant + ", name=" + name + ", deprecated=" + deprecated + ", version=" + version
                + "]";
    }
}
